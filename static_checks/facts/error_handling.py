"""Error handling around the LLM: rescues (same method or a caller), key preflight, degraded UI."""

from __future__ import annotations

import re

import tree_sitter as ts

from static_checks.facts.context import FactContext, fact
from static_checks.facts.llm_calls import SEND_METHODS, llm_model
from static_checks.facts.registry import collector
from static_checks.facts.ruby_nodes import (
    ancestors,
    args,
    const_path,
    contains,
    enclosing_method,
    literal,
    receiver,
)
from static_checks.parsing import ParsedFile

PRESENCE_CHECKS = frozenset({"blank?", "nil?", "empty?", "present?", "key?", "has_key?", "include?", "presence"})
KEY_NAME = re.compile(r"api_key|_KEY\b|API_KEY|TOKEN", re.I)
FAILURE_VIEW = re.compile(r"(error|failure|unavailable|offline|degraded)", re.I)
UI_CALLS = frozenset({"render", "redirect_to", "flash", "broadcast_append_to", "broadcast_replace_to",
                      "broadcast_update_to", "broadcast_prepend_to", "turbo_stream", "respond_to"})
BROAD_RESCUES = ("StandardError", "Exception", "RubyLLM::Error", "Faraday::Error")


def _rescue_clauses(node: ts.Node) -> list[ts.Node]:
    return [c for c in node.named_children if c.type == "rescue"]


def protected_by_rescue(call: ts.Node) -> ts.Node | None:
    """The rescue clause that would catch an exception raised by `call`, up to its method."""
    for a in ancestors(call):
        if a.type == "rescue_modifier":
            body = a.child_by_field_name("body")
            if body is not None and contains(body, call):
                return a
        if a.type in ("begin", "body_statement", "block_body", "do_block"):
            clauses = _rescue_clauses(a)
            if clauses and call.start_byte < clauses[0].start_byte:
                return clauses[0]
        if a.type in ("method", "singleton_method", "class", "module"):
            break
    return None


def rescue_from_handlers(ctx: FactContext) -> list[tuple[ParsedFile, ts.Node]]:
    out = []
    for pf in ctx.app_files("app/controllers", kind="ruby"):
        for c in ctx.index(pf).calls("rescue_from"):
            if any(const_path(a) and (const_path(a).startswith("RubyLLM") or const_path(a) in BROAD_RESCUES)
                   for a in args(c)):
                out.append((pf, c))
    return out


def _caller_rescued(ctx: FactContext, pf: ParsedFile, method: ts.Node) -> tuple[ParsedFile, ts.Node] | None:
    """The rescue clause around a call of this method from app code (one level up)."""
    for other, c in ctx.callers(pf, method):
        clause = protected_by_rescue(c)
        if clause is not None:
            return other, clause
    return None


@collector(ids=["errors.llm_calls", "errors.llm_calls_rescued", "errors.rescue_around_llm"])
def rescues(ctx: FactContext):
    model = llm_model(ctx)
    rule = "facts/errors/rescue-around-llm"
    sends = [c for c in model.chat_calls(*SEND_METHODS)]
    methods: dict[tuple[str, int], tuple[ParsedFile, ts.Node, ts.Node]] = {}
    for c in sends:
        m = enclosing_method(c.node)
        key = (c.pf.rel, m.start_byte if m is not None else c.node.start_byte)
        methods.setdefault(key, (c.pf, m, c.node))
    handlers = rescue_from_handlers(ctx)
    rescued_ev, bare_ev = [], []
    for pf, m, call in methods.values():
        where = protected_by_rescue(call)
        hit = (pf, where) if where is not None else None
        if hit is None and m is not None:
            hit = _caller_rescued(ctx, pf, m)
        if hit is None and handlers:
            hit = handlers[0]
        (rescued_ev if hit else bare_ev).append(ctx.ev(hit[0], hit[1]) if hit else ctx.ev(pf, call))
    total, ok = len(methods), len(rescued_ev)
    verdict = "no_llm_calls" if total == 0 else "all" if ok == total else "some" if ok else "none"
    return [
        fact("errors.llm_calls", total, rule, [ctx.ev(pf, call) for pf, _m, call in methods.values()][:10]),
        fact("errors.llm_calls_rescued", ok, rule, rescued_ev[:10]),
        fact("errors.rescue_around_llm", verdict, rule, (rescued_ev + bare_ev)[:10],
             f"unrescued: {', '.join(f'{e.file}:{e.line}' for e in bare_ev)}" if bare_ev else None),
    ]


@collector(ids=["errors.rescues_rubyllm_error"])
def rubyllm_errors(ctx: FactContext):
    ev = []
    for pf in ctx.code_files():
        idx = ctx.index(pf)
        for r in idx.of("exceptions"):
            if any((const_path(n) or "").startswith("RubyLLM::") for n in r.named_children):
                ev.append(ctx.ev(pf, r))
    ev += [ctx.ev(pf, c) for pf, c in rescue_from_handlers(ctx)
           if any((const_path(a) or "").startswith("RubyLLM") for a in args(c))]
    return [fact("errors.rescues_rubyllm_error", bool(ev), "facts/errors/rubyllm-error", ev[:10])]


def _mentions_key(pf: ParsedFile, node: ts.Node) -> bool:
    """ENV["X_API_KEY"], ENV.fetch("X_KEY"), config.openrouter_api_key, an `api_key` local..."""
    text = pf.text(node)
    return bool(KEY_NAME.search(text)) and ("ENV" in text or "api_key" in text.lower() or "config" in text)


@collector(ids=["errors.missing_key_preflight"])
def key_preflight(ctx: FactContext):
    ev = []
    for pf in ctx.app_files("app"):
        idx = ctx.index(pf)
        for c in idx.calls(*PRESENCE_CHECKS):
            r = receiver(c)
            if r is not None and _mentions_key(pf, r):
                ev.append(ctx.ev(pf, c))
            elif r is not None and pf.text(r) == "ENV" and any(KEY_NAME.search(literal(a) or "") for a in args(c)):
                ev.append(ctx.ev(pf, c))
        for u in idx.of("unary"):
            # `!ENV["OPENROUTER_API_KEY"]` / `unless ENV[...]` style checks
            if pf.text(u).startswith(("!", "not")) and u.named_children and _mentions_key(pf, u.named_children[0]):
                ev.append(ctx.ev(pf, u))
        for cond in idx.of("unless", "unless_modifier", "if", "if_modifier"):
            c = cond.child_by_field_name("condition")
            if c is not None and c.type == "element_reference" and _mentions_key(pf, c):
                ev.append(ctx.ev(pf, cond))
    return [fact("errors.missing_key_preflight", bool(ev), "facts/errors/key-preflight", ev[:10],
                 None if ev else "no check of the API key's presence in app/ (initializers do not count)")]


@collector(ids=["errors.degraded_ui"])
def degraded_ui(ctx: FactContext):
    views_prefix = ctx.app_rel("app/views/")
    ev = [ctx.ev_text(rel, 1) for rel in ctx.all_files
          if rel.startswith(views_prefix) and FAILURE_VIEW.search(rel[len(views_prefix):])]
    for pf in ctx.app_files("app", kind="ruby"):
        idx = ctx.index(pf)
        for clause in idx.of("rescue"):
            for c in idx.calls(*UI_CALLS):
                if contains(clause, c):
                    ev.append(ctx.ev(pf, c))
                    break
        for pair in idx.of("pair"):
            key = pair.child_by_field_name("key")
            if key is not None and literal(key) == "alert":
                ev.append(ctx.ev(pf, pair))
    return [fact("errors.degraded_ui", bool(ev), "facts/errors/degraded-ui", ev[:10])]
