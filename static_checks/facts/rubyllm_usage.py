"""How the app uses RubyLLM: entry point, ask, content, multi-turn, instructions, invented calls, bypass."""

from __future__ import annotations

import re

import tree_sitter as ts

from static_checks.facts.context import FactContext, fact
from static_checks.facts.finding_nodes import (  # noqa: F401  (re-exported: older callers import them here)
    app_findings,
    finding_node,
    invented_kind,
    node_at_finding,
)
from static_checks.facts.llm_calls import LlmModel, llm_model
from static_checks.facts.registry import collector
from static_checks.facts.ruby_nodes import args, call_name, contains, enclosing, kwarg, receiver
from static_checks.models import Category

ENTRY_CHAT = "RubyLLM.chat"
ENTRY_NEW = "RubyLLM::Chat.new"
ENTRY_ACTS_AS = "acts_as_chat"
# Hosts of provider HTTP APIs: calling them directly bypasses the gem.
PROVIDER_HOSTS = ("openrouter.ai/api", "api.openai.com", "api.anthropic.com", "generativelanguage.googleapis.com")


def entry_points(ctx: FactContext, model: LlmModel) -> dict[str, list]:
    found: dict[str, list] = {}
    for c in model.code_calls("chat", "new"):
        if c.rtype.singleton and c.rtype.app_class is None:
            if c.name == "chat" and c.rtype.name == "RubyLLM":
                found.setdefault(ENTRY_CHAT, []).append(ctx.ev(c.pf, c.node))
            elif c.name == "new" and c.rtype.name == "RubyLLM::Chat":
                found.setdefault(ENTRY_NEW, []).append(ctx.ev(c.pf, c.node))
    for fq in model.acts_as_chat_classes():
        app = model.project.classes[fq]
        for d in app.defs:
            for name, node, _scope in d.macros:
                if name == ENTRY_ACTS_AS:
                    found.setdefault(ENTRY_ACTS_AS, []).append(ctx.ev(d.file.pf, node))
    return found


def _stores_chat(model: LlmModel) -> list:
    """Chats kept beyond one request: assigned into class variables, globals, constants' slots or a cache."""
    hits = []
    for fs in model.code_scans():
        for call, scope in fs.calls:
            name = call_name(call)
            recv = receiver(call)
            if name in ("write", "fetch") and recv is not None and fs.pf.text(recv).endswith("cache"):
                args = call.child_by_field_name("arguments")
                values = list(args.named_children) if args is not None else []
                block = call.child_by_field_name("block")
                if block is not None:
                    values.append(block)
                for v in values:
                    target = v.child_by_field_name("body") or v
                    in_block = target.type in ("block_body", "block") and target.named_children
                    last = target.named_children[-1] if in_block else target
                    t = model.inferer.type_of(last, scope)
                    if t is not None and model.is_chat(t):
                        hits.append((fs.pf, call))
    return hits


def _long_lived_assignments(ctx: FactContext, model: LlmModel) -> list:
    """`@@chats[id] ||= RubyLLM.chat`, `$chat = ...`, `CHATS[id] = chat`: a chat outliving the request."""
    hits = []
    for fs in model.code_scans():
        idx = ctx.index(fs.pf)
        for node in idx.of("assignment", "operator_assignment"):
            left = node.child_by_field_name("left")
            holder = left
            if left is not None and left.type == "element_reference":
                holder = left.named_children[0] if left.named_children else None
            if holder is None:
                continue
            # `@chat ||= ...` lives on only in a class-level method or a Singleton instance.
            class_level_ivar = holder.type == "instance_variable" and (
                enclosing(node, "singleton_method", "singleton_class") is not None
                or _includes_singleton(ctx, fs.pf, node))
            if holder.type not in ("class_variable", "global_variable", "constant") and not class_level_ivar:
                continue
            right = node.child_by_field_name("right")
            scope = _scope_at(fs, node)
            t = model.inferer.type_of(right, scope) if scope is not None else None
            if t is not None and model.is_chat(t):
                hits.append((fs.pf, node))
    return hits + _stores_chat(model)


def _includes_singleton(ctx: FactContext, pf, node: ts.Node) -> bool:
    cls = enclosing(node, "class")
    return cls is not None and any(
        contains(cls, c) and any(pf.text(a) == "Singleton" for a in args(c)) for c in ctx.index(pf).calls("include"))


def _scope_at(fs, node: ts.Node):
    """The scan scope whose node most tightly encloses `node` (scopes are recorded per call)."""
    best = None
    for call, scope in fs.calls:
        if scope.node.start_byte <= node.start_byte and node.end_byte <= scope.node.end_byte:
            if best is None or scope.node.start_byte >= best.node.start_byte:
                best = scope
    return best or fs.program


HISTORY_WORDS = re.compile(r"histor|messages|conversation", re.I)


def _history_in_request(ctx: FactContext) -> list:
    """Provider calls whose request carries stored history: a `messages:` array built from the store,
    or history pasted into the prompt text (`ask("#{transcript}\nUser: #{q}")`) (issue 10, cause 4)."""
    from static_checks.facts.call_chain import INVENTED_SENDS, SDK_SEND, provider_sites
    from static_checks.facts.security import ValueTracer

    tracer = ValueTracer(ctx)
    hits = []
    for site in provider_sites(ctx):
        requests = [site.node]
        method = enclosing(site.node, "method", "singleton_method")
        if site.kind != "chat" and method is not None:
            # `client = RubyLLM::Client.new(...)` then `client.chat(messages: ...)`: the send is untyped
            requests += [c for c in ctx.index(site.pf).calls(*INVENTED_SENDS, *SDK_SEND) if contains(method, c)]
        for call in requests:
            values = [a for a in args(call) if a.type != "pair"]
            values += [v for key in ("messages", "parameters", "prompt", "input")
                       if (v := kwarg(site.pf, call, key)) is not None]
            if any(HISTORY_WORDS.search(tracer.names(site.pf, v)[0]) for v in values):
                hits.append((site.pf, call))
                break
    return hits


def _stored_reply_reads(ctx: FactContext, model: LlmModel) -> list:
    """With acts_as_chat the reply is saved as an acts_as_message record and read back from it:
    `message.content` in a view or partial (ERB locals are untyped, so the name says it)."""
    if model.project is None or not any(app.acts_as == "acts_as_message" for app in model.project.classes.values()):
        return []
    out = []
    for pf in ctx.app_files("app/views", "app/helpers", "app/components"):
        for c in ctx.index(pf).calls("content"):
            r = receiver(c)
            if r is not None and "message" in pf.text(r).lower():
                out.append(ctx.ev(pf, c))
    return out[:5]


def multi_turn(ctx: FactContext) -> tuple[str, list]:
    """(kind, evidence): replayed_history, persisted_chat, reused_chat or none (cached)."""
    if "multi_turn" in ctx.cache:
        return ctx.cache["multi_turn"]
    model = llm_model(ctx)
    replay = model.chat_calls("add_message")
    # An acts_as_chat record sends its stored messages with ask and with complete alike (issue 10, cause 4).
    persisted = [c for c in model.chat_calls("ask", "say", "complete") if c.rtype.app_class is not None]
    reused = _long_lived_assignments(ctx, model) if model.project is not None else []
    if not replay:
        replay_sites = _history_in_request(ctx)
        if replay_sites:
            out = "replayed_history", [ctx.ev(pf, n) for pf, n in replay_sites]
            ctx.cache["multi_turn"] = out
            return out
    if replay:
        out = "replayed_history", [ctx.ev(c.pf, c.node) for c in replay]
    elif persisted:
        out = "persisted_chat", [ctx.ev(c.pf, c.node) for c in persisted]
    elif reused:
        out = "reused_chat", [ctx.ev(pf, n) for pf, n in reused]
    else:
        out = "none", []
    ctx.cache["multi_turn"] = out
    return out


@collector(ids=["rubyllm.used", "rubyllm.entry_points", "rubyllm.ask", "rubyllm.reads_content",
                                 "rubyllm.multi_turn", "rubyllm.with_instructions"])
def usage(ctx: FactContext):
    model = llm_model(ctx)
    rule = "facts/rubyllm/usage"
    if model.project is None:
        return [fact(i, None, rule, note=model.error) for i in (
            "rubyllm.used", "rubyllm.entry_points", "rubyllm.ask", "rubyllm.reads_content",
            "rubyllm.multi_turn", "rubyllm.with_instructions")]
    entries = entry_points(ctx, model)
    used_ev = [ev for evs in entries.values() for ev in evs[:1]]
    # Configuration alone (an initializer) is no use of the gem: some call outside config/ is.
    in_app = [c for c in model.code_calls() if not c.pf.rel.startswith(ctx.app_rel("config/"))]
    if not used_ev:
        used_ev = [ctx.ev(c.pf, c.node) for c in in_app[:1]]
    asks = model.chat_calls("ask", "say")
    content = [c for c in model.code_calls("content") if c.rtype.name in ("RubyLLM::Message", "RubyLLM::Chunk")]
    content_ev = [ctx.ev(c.pf, c.node) for c in content[:5]] or _stored_reply_reads(ctx, model)
    instructions = model.chat_calls("with_instructions")
    multi, multi_ev = multi_turn(ctx)

    def evs(calls):
        return [ctx.ev(c.pf, c.node) for c in calls[:5]]

    instructions_ev = evs(instructions) or agent_instructions(ctx, model)

    return [
        # Used means a RubyLLM call or macro in app code; merely having parsed files is not use.
        fact("rubyllm.used", bool(entries) or bool(in_app), rule, used_ev[:3],
             None if used_ev else "no RubyLLM call or acts_as_chat in app code"),
        # Only the entry calls themselves: an absent entry point cites nothing, not some other RubyLLM line.
        fact("rubyllm.entry_points", sorted(entries), "facts/rubyllm/entry-point",
             [ev for evs in entries.values() for ev in evs][:5]),
        fact("rubyllm.ask", bool(asks), "facts/rubyllm/ask", evs(asks)),
        fact("rubyllm.reads_content", bool(content_ev), "facts/rubyllm/content", content_ev[:5]),
        fact("rubyllm.multi_turn", multi, "facts/rubyllm/multi-turn", multi_ev[:5],
             "a chat asked once per request with no replay, record or long-lived store" if multi == "none" else None),
        fact("rubyllm.with_instructions", bool(instructions_ev), "facts/rubyllm/instructions", instructions_ev[:5]),
    ]


def agent_instructions(ctx: FactContext, model) -> list:
    """Evidence of a system prompt set by an agent the app uses: `instructions "..."` (or a block), or the
    prompt file the gem reads by default (app/prompts/<agent>/instructions.txt.erb), which a bare
    `instructions` names too (the gem applies it with with_instructions to every chat it builds)."""
    found = [ctx.ev(pf, node) for pf, node in model.agent_macros("instructions")]
    for fq in model.used_agents():
        folder = re.sub(r"(?<=[a-z0-9])(?=[A-Z])", "_", fq.replace("::", "/")).lower()
        names = [f"app/prompts/{folder}/instructions.{ext}" for ext in ("txt.erb", "md.erb", "txt", "md")]
        prompt = ctx.first_existing(names,
                                    in_app_then_repo=False)
        if prompt is not None:
            found.append(ctx.ev_text(prompt, 1, ctx.read_text(prompt, max_bytes=4096) or ""))
    return found


@collector(ids=["rubyllm.invented_calls", "rubyllm.invented_kinds"])
def invented(ctx: FactContext):
    from static_checks.rules import absence_rule_ids

    found = app_findings(ctx, Category.api_hallucination, tests=False)
    # With ruby_llm from git, a path or a renamed fork, "no release has it" findings become
    # unverifiable infos: such calls may or may not exist, so "no invented call" is not known.
    unsure = [f for f in app_findings(ctx, Category.unverifiable, tests=False) if f.rule in absence_rule_ids()]
    kinds = sorted({invented_kind(ctx, f) for f in found})
    ev = [ctx.ev_text(f.file, f.line, f.snippet) for f in found[:10]]
    note = ", ".join(sorted({f.rule for f in found})) or None
    count: int | None = len(found)
    listed: list[str] | None = kinds
    if unsure:
        note = (f"{note}; " if note else "") + (
            f"{len(unsure)} more call(s) unverifiable against an unreleased or renamed ruby_llm"
            + ("" if found else ": whether any call is invented is unknown"))
        ev += [ctx.ev_text(f.file, f.line, f.snippet) for f in unsure[: max(0, 10 - len(ev))]]
        if not found:  # at least the verified ones when there are some; otherwise undecided
            count, listed = None, None
    return [
        fact("rubyllm.invented_calls", count, "facts/rubyllm/invented", ev, note),
        fact("rubyllm.invented_kinds", listed, "facts/rubyllm/invented", ev, note),
    ]


@collector(ids=["rubyllm.bypass"])
def bypass(ctx: FactContext):
    from static_checks.facts.gemfile import LLM_ALTERNATIVES, declared_gems

    ev = [ctx.ev_text(f.file, f.line, f.snippet) for f in app_findings(ctx, Category.bypass, tests=False)]
    gems = declared_gems(ctx)
    # With ruby_llm required, the bypass rule decides: it knows what the locked gem can do (an SDK's
    # files API is no bypass) and wants an HTTP client beside a provider URL (RubyLLM's own
    # `openai_api_base = "https://openrouter.ai/api/v1"` is no bypass). Without ruby_llm that rule is
    # silent, and any other LLM client gem or provider URL in app code is how the app talks to the LLM.
    if "ruby_llm" not in gems:
        ev += [gems[g] for g in sorted(gems) if g in LLM_ALTERNATIVES]
        for pf in ctx.code_files():
            for s in ctx.index(pf).of("string_content"):
                if any(h in pf.text(s) for h in PROVIDER_HOSTS):
                    ev.append(ctx.ev(pf, s))
    return [fact("rubyllm.bypass", bool(ev), "facts/rubyllm/bypass", ev[:10])]
