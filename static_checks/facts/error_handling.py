"""Error handling around the LLM: rescues (same method or a caller), key preflight, degraded UI."""

from __future__ import annotations

import re

import tree_sitter as ts

from static_checks.facts.context import FactContext, fact
from static_checks.facts.registry import collector
from static_checks.facts.call_chain import (
    RescueHit,
    Site,
    callers,
    enclosing_rescue,
    provider_sites,
    rescue_from_handlers,
    rescued,
)
from static_checks.facts.ruby_nodes import (
    args,
    call_name,
    const_path,
    contains,
    def_name,
    enclosing,
    enclosing_method,
    kwarg,
    literal,
    receiver,
)
from static_checks.parsing import ParsedFile

PRESENCE_CHECKS = frozenset({"blank?", "nil?", "empty?", "present?", "key?", "has_key?", "include?", "presence"})
KEY_NAME = re.compile(r"api_key|_KEY\b|API_KEY|TOKEN", re.I)
UI_CALLS = frozenset({"render", "redirect_to", "flash", "broadcast_append_to", "broadcast_replace_to",
                      "broadcast_update_to", "broadcast_prepend_to", "turbo_stream", "respond_to"})
STOP_CALLS = frozenset({"render", "redirect_to", "head", "respond_to", "raise", "fail", "flash"})


def protected_by_rescue(call: ts.Node) -> ts.Node | None:
    """The innermost rescue clause whose protected body holds `call`, up to its method."""
    found = enclosing_rescue(call)
    return found[0] if found else None


def llm_rescues(ctx: FactContext) -> list[tuple[Site, RescueHit | None]]:
    """Each provider call site (one per method) with the rescue that catches its failure, if any."""
    if "llm_rescues" not in ctx.cache:
        per_method: dict[tuple[str, int], Site] = {}
        for site in provider_sites(ctx):
            m = enclosing_method(site.node)
            per_method.setdefault((site.pf.rel, (m or site.node).start_byte), site)
        ctx.cache["llm_rescues"] = [(s, rescued(ctx, s.pf, s.node)) for s in per_method.values()]
    return ctx.cache["llm_rescues"]


@collector(ids=["errors.llm_calls", "errors.llm_calls_rescued", "errors.rescue_around_llm"])
def rescues(ctx: FactContext):
    rule = "facts/errors/rescue-around-llm"
    found = llm_rescues(ctx)
    rescued_ev, bare_ev = [], []
    for site, hit in found:
        if hit is not None:
            ev = ctx.ev(hit.pf, hit.node)
            rescued_ev.append(ev.model_copy(update={"snippet": f"rescued: {site.pf.rel}:{site.pf.line_of(site.node)} "
                                                               f"via {' <- '.join(hit.chain)}"[:200]}))
        else:
            line = site.pf.line_text(site.pf.line_of(site.node))
            bare_ev.append(ctx.ev(site.pf, site.node).model_copy(
                update={"snippet": f"unrescued {site.kind} call: {line}"[:200]}))
    total, ok = len(found), len(rescued_ev)
    verdict = "no_llm_calls" if total == 0 else "all" if ok == total else "some" if ok else "none"
    kinds = sorted({s.kind for s, _ in found})
    note = f"provider calls: {', '.join(kinds)}" if kinds else "no provider call found in app code"
    if bare_ev:
        note += "; unrescued: " + ", ".join(f"{e.file}:{e.line}" for e in bare_ev)
    return [
        fact("errors.llm_calls", total, rule, [ctx.ev(s.pf, s.node) for s, _ in found][:10], note),
        fact("errors.llm_calls_rescued", ok, rule, rescued_ev[:10]),
        fact("errors.rescue_around_llm", verdict, rule, (rescued_ev + bare_ev)[:10], note),
    ]


@collector(ids=["errors.rescues_rubyllm_error"])
def rubyllm_errors(ctx: FactContext):
    ev = []
    for pf in ctx.code_files():
        idx = ctx.index(pf)
        for r in idx.of("exceptions"):
            if any((const_path(n) or "").startswith("RubyLLM::") for n in r.named_children):
                ev.append(ctx.ev(pf, r))
    ev += [ctx.ev(pf, c) for found in rescue_from_handlers(ctx).values() for pf, c in found
           if any((const_path(a) or "").startswith("RubyLLM") for a in args(c))]
    return [fact("errors.rescues_rubyllm_error", bool(ev), "facts/errors/rubyllm-error", ev[:10])]


def _mentions_key(pf: ParsedFile, node: ts.Node) -> bool:
    """ENV["X_API_KEY"], ENV.fetch("X_KEY"), config.openrouter_api_key, an `api_key` local..."""
    text = pf.text(node)
    return bool(KEY_NAME.search(text)) and ("ENV" in text or "api_key" in text.lower() or "config" in text)


def _key_checks(ctx: FactContext) -> list[tuple[ParsedFile, ts.Node]]:
    """Expressions in app/ that test whether an API key is present."""
    out = []
    for pf in ctx.app_files("app", kind="ruby"):
        idx = ctx.index(pf)
        for c in idx.calls(*PRESENCE_CHECKS):
            r = receiver(c)
            if r is not None and _mentions_key(pf, r):
                out.append((pf, c))
            elif r is not None and pf.text(r) == "ENV" and any(KEY_NAME.search(literal(a) or "") for a in args(c)):
                out.append((pf, c))
        for u in idx.of("unary"):
            # `!ENV["OPENROUTER_API_KEY"]`
            if pf.text(u).startswith(("!", "not")) and u.named_children and _mentions_key(pf, u.named_children[0]):
                out.append((pf, u))
        for cond in idx.of("unless", "unless_modifier", "if", "if_modifier"):
            c = cond.child_by_field_name("condition")
            if c is not None and c.type == "element_reference" and _mentions_key(pf, c):
                out.append((pf, c))
    return out


CONDITIONALS = ("if", "unless", "if_modifier", "unless_modifier", "conditional")


def _stops(pf: ParsedFile, cond: ts.Node) -> ts.Node | None:
    """What the conditional does instead of calling on: return, raise, render, a message..."""
    parts = [cond.child_by_field_name(f) for f in ("consequence", "body", "alternative")]
    for part in (p for p in parts if p is not None):
        for n in [part, *_descendants(part)]:
            if n.type in ("return", "next", "break") or (n.type == "identifier" and pf.text(n) in ("raise", "fail")):
                return n
            if n.type == "call" and receiver(n) is None and call_name(n) in STOP_CALLS:
                return n
            if n.type == "call" and (call_name(n) or "").startswith("broadcast"):
                return n
    return None


def _descendants(node: ts.Node):
    stack = list(node.named_children)
    while stack:
        n = stack.pop()
        yield n
        stack.extend(n.named_children)


def live_method(ctx: FactContext, pf: ParsedFile, method: ts.Node | None) -> bool:
    """Something runs this method: a caller, a callback naming it, or it is a controller action."""
    if method is None:
        return True
    from static_checks.facts.layout import public_actions

    name = def_name(pf, method)
    if pf.rel.startswith(ctx.app_rel("app/controllers/")) and any(m.id == method.id for m in public_actions(ctx, pf)):
        return True
    if callers(ctx, pf, method):
        return True
    for other in ctx.app_files("app", "lib", kind="ruby"):
        if any(other.text(sym).lstrip(":") == name for sym in ctx.index(other).of("simple_symbol")):
            return True
    return False


def preflights(ctx: FactContext) -> list:
    """Key checks that stop before the call, in code that runs (the check itself, or a predicate
    method returning it whose callers stop)."""
    ev = []
    for pf, check in _key_checks(ctx):
        cond = enclosing(check, *CONDITIONALS)
        m = enclosing_method(check)
        if cond is not None and (m is None or contains(m, cond)):
            stop = _stops(pf, cond)
            if stop is not None and live_method(ctx, pf, m):
                ev.append(ctx.ev(pf, check))
            continue
        if m is None:
            continue
        # `def key_present? = ENV["X_KEY"].present?`: a predicate its callers branch on
        for other, call in callers(ctx, pf, m):
            ccond = enclosing(call, *CONDITIONALS)
            if (ccond is not None and _stops(other, ccond) is not None
                    and live_method(ctx, other, enclosing_method(call))):
                ev.append(ctx.ev(other, call))
                break
    return ev


@collector(ids=["errors.missing_key_preflight"])
def key_preflight(ctx: FactContext):
    ev = preflights(ctx)
    return [fact("errors.missing_key_preflight", bool(ev), "facts/errors/key-preflight", ev[:10],
                 None if ev else "no check of the API key's presence in app/ that stops before the call "
                                 "in code that runs (initializers do not count)")]


def _message_models(ctx: FactContext) -> set[str]:
    """Lower-case names of models whose records the user sees when written: records that broadcast
    themselves (`broadcasts_to`), and the chat's messages (acts_as_message), which its page renders."""
    from static_checks.facts.hotwire import broadcasting_models

    found = ctx.cache.get("message_models")
    if found is None:
        found = set(broadcasting_models(ctx))
        for pf in ctx.app_files("app/models", kind="ruby"):
            idx = ctx.index(pf)  # a bare `acts_as_message` parses as an identifier
            macros = [*idx.calls("acts_as_message"),
                      *(n for n in idx.of("identifier") if pf.text(n) == "acts_as_message")]
            for c in macros:
                cls = enclosing(c, "class")
                name = cls.child_by_field_name("name") if cls is not None else None
                if name is not None:
                    found.add(pf.text(name).rsplit("::", 1)[-1].lower())
        ctx.cache["message_models"] = found
    return found


def _shows(ctx: FactContext, pf: ParsedFile, body: ts.Node, depth: int = 0) -> ts.Node | None:
    """A UI effect in `body`: render/redirect/flash/Turbo Stream/broadcast, a message written into the
    conversation the user sees, or a call of a same-class method that has one."""
    from static_checks.facts.hotwire import writes_record_of

    for n in [body, *_descendants(body)]:
        if n.type == "call" or n.type == "identifier":
            name = call_name(n) if n.type == "call" else pf.text(n)
            if name in UI_CALLS or (name or "").startswith("broadcast") or name == "flash":
                return n
            if n.type == "call" and writes_record_of(pf, n, _message_models(ctx)):
                return n
            if n.type == "call" and receiver(n) is None and depth < 1:
                for m in ctx.index(pf).of("method"):
                    if def_name(pf, m) == name and _owner_of(pf, m) == _owner_of(pf, n):
                        inner = _shows(ctx, pf, m, depth + 1)
                        if inner is not None:
                            return n
    return None


def _owner_of(pf: ParsedFile, node: ts.Node) -> str:
    from static_checks.facts.ruby_nodes import class_path

    return class_path(pf, node)


def _fallback_text(clause: ts.Node) -> ts.Node | None:
    """A rescue whose value is a message string: the caller shows it as the reply."""
    body = [n for n in clause.named_children if n.type not in ("exceptions", "exception_variable", "comment")]
    last = body[-1] if body else None
    if last is not None and last.type == "then":
        inner = [n for n in last.named_children if n.type != "comment"]
        last = inner[-1] if inner else None
    return last if last is not None and last.type == "string" else None


@collector(ids=["errors.degraded_ui"])
def degraded_ui(ctx: FactContext):
    """A visible failure state reached from a rescue that catches a provider failure."""
    ev = []
    for _site, hit in llm_rescues(ctx):
        if hit is None:
            continue
        node = hit.node
        if node.type == "call" and call_name(node) == "rescue_from":
            handler = kwarg(hit.pf, node, "with")
            name = literal(handler) if handler is not None else None
            block = node.child_by_field_name("block")
            targets = [block] if block is not None else [
                m for m in ctx.index(hit.pf).of("method") if def_name(hit.pf, m) == name]
        else:
            targets = [node]
        for t in targets:
            shown = _shows(ctx, hit.pf, t) or (_fallback_text(t) if t.type == "rescue" else None)
            if shown is not None:
                ev.append(ctx.ev(hit.pf, shown))
                break
    note = None if ev else "no rescue of a provider failure renders, flashes, broadcasts or returns a message"
    return [fact("errors.degraded_ui", bool(ev), "facts/errors/degraded-ui", ev[:10], note)]
