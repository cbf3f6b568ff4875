"""Brief v2 specifics: tools (G7), structured-output title (G8), token budget (G9).

The exact-array payload test (G5) is in tests.py, concurrency hazards (G6) in v2_concurrency.py.
"""

from __future__ import annotations

import re

import tree_sitter as ts

from static_checks.facts.context import FactContext, fact
from static_checks.facts.llm_calls import SEND_METHODS, llm_model
from static_checks.facts.registry import collector
from static_checks.facts.ruby_nodes import (
    args,
    call_name,
    contains,
    def_name,
    enclosing,
    enclosing_method,
    literal,
    receiver,
)
from static_checks.facts.security import eval_calls
from static_checks.parsing import ParsedFile
from static_checks.types.syntax import def_body, last_expression

BUDGET_ENV = re.compile(r"BUDGET|TOKEN_LIMIT|MAX_TOKENS|TOKENS_PER|TOKEN_CAP", re.I)
BUDGET_WORDS = re.compile(r"budget|exceed|over_limit|quota|remaining|tokens?_used|used_tokens|token_limit|max_tokens"
                          r"|token_count|usage", re.I)
TITLE_WRITERS = frozenset({"update", "update!", "create", "create!", "write", "assign_attributes"})
# The title G8 asks for is the conversation's: written on a chat/conversation object, inside the
# conversation's class, or produced by the LLM call it sits with (a todo's or post's title is not it).
CONVERSATION = re.compile(r"chat|conv", re.I)
GUARD_EXITS = frozenset({"return", "raise", "render", "redirect_to", "head", "fail"})


def _snake(name: str) -> str:
    return re.sub(r"(?<=[a-z0-9])([A-Z])", r"_\1", name).lower()


def tool_name(app) -> tuple[str, object]:
    """The name the model sees: a `def name` returning a literal, else the class name without "Tool"."""
    for d in app.defs:
        m = d.methods.get("name")
        if m is not None:
            value = literal(last_expression(def_body(m.node)))
            if value:
                return value, d
    short = app.fq.rsplit("::", 1)[-1]
    return re.sub(r"_tool$", "", _snake(short)), app.defs[0]


@collector(ids=["tools.classes", "tools.count", "tools.server_time", "tools.calculator", "tools.registered",
                            "tools.calculator_uses_eval"])
def tools(ctx: FactContext):
    model = llm_model(ctx)
    named = sorted((tool_name(app) + (app,) for app in model.tool_classes().values()), key=lambda t: t[0])
    ev = {name: ctx.ev(d.file.pf, d.node) for name, d, _app in named}
    names = [n for n, _d, _a in named]
    registered = model.chat_calls("with_tool", "with_tools")
    # an agent's `tools A, B` registers them on every chat it builds
    registered_ev = [ctx.ev(c.pf, c.node) for c in registered] + [
        ctx.ev(pf, node) for pf, node in model.agent_macros("tools")]
    eval_in_tools = []
    for _name, _d, app in named:
        for d in app.defs:
            eval_in_tools += [ctx.ev(d.file.pf, c) for c in eval_calls(ctx, d.file.pf) if contains(d.node, c)]
    rule = "facts/v2/tools"
    return [
        fact("tools.classes", names, rule, list(ev.values())[:10]),
        fact("tools.count", len(names), rule, list(ev.values())[:10]),
        fact("tools.server_time", "server_time" in names, rule, [ev["server_time"]] if "server_time" in ev else []),
        fact("tools.calculator", "calculator" in names, rule, [ev["calculator"]] if "calculator" in ev else []),
        fact("tools.registered", bool(registered_ev), rule, registered_ev[:5]),
        fact("tools.calculator_uses_eval", bool(eval_in_tools), "facts/v2/tools-eval", eval_in_tools[:5]),
    ]


@collector(ids=["schema.with_schema", "schema.schema_class", "schema.title_via_schema", "title.generated"])
def schema(ctx: FactContext):
    model = llm_model(ctx)
    with_schema = model.chat_calls("with_schema")
    classes = model.subclasses_of("RubyLLM::Schema")
    class_ev = [ctx.ev(app.defs[0].file.pf, app.defs[0].node) for app in classes.values()]
    class_ev += [ctx.ev(c.pf, c.node) for c in with_schema if any(a.type == "hash" for a in args(c.node))]
    titled = []
    for c in with_schema:
        around = enclosing(c.node, "class") or enclosing_method(c.node) or c.pf.root
        if "title" in c.pf.text(around).lower():
            titled.append(ctx.ev(c.pf, c.node))
    title_ev = []
    for pf in ctx.app_files("app", "lib", kind="ruby"):
        for a in ctx.index(pf).of("assignment", "operator_assignment"):
            left = a.child_by_field_name("left")
            # `store.title = ...` / `conv[:title] = ...`: written somewhere, not a local read into @title
            if (left is not None and left.type in ("call", "element_reference")
                    and re.search(r"title\b|\[:title\]|\[\"title\"\]", pf.text(left))
                    and _conversation_title(ctx, model, pf, a, _written_object(left))):
                title_ev.append(ctx.ev(pf, a))
        for p in ctx.index(pf).of("pair"):
            k = p.child_by_field_name("key")
            if k is not None and literal(k) == "title" and p.parent is not None and p.parent.type == "argument_list":
                call = p.parent.parent
                if (call is not None and call_name(call) in TITLE_WRITERS
                        and _conversation_title(ctx, model, pf, call, receiver(call))):
                    title_ev.append(ctx.ev(pf, p))
    return [
        fact("schema.with_schema", bool(with_schema), "facts/v2/schema",
             [ctx.ev(c.pf, c.node) for c in with_schema[:5]]),
        fact("schema.schema_class", bool(class_ev), "facts/v2/schema", class_ev[:5]),
        fact("schema.title_via_schema", bool(titled), "facts/v2/schema-title", titled[:5]),
        fact("title.generated", bool(title_ev), "facts/v2/title", title_ev[:5]),
    ]


def _written_object(left: ts.Node) -> ts.Node | None:
    """`x` of `x.title = ...` or `x[:title] = ...`."""
    return receiver(left) if left.type == "call" else left.child_by_field_name("object")


def _conversation_title(ctx: FactContext, model, pf: ParsedFile, write: ts.Node, target: ts.Node | None) -> bool:
    """A write of the conversation's title in code that runs (not a todo's title, not a method only tests call)."""
    from static_checks.facts.error_handling import live_method

    method = enclosing_method(write)
    if not live_method(ctx, pf, method):
        return False
    if target is not None and CONVERSATION.search(pf.text(target)):
        return True
    cls = enclosing(write, "class")
    name = cls.child_by_field_name("name") if cls is not None else None
    if name is not None and (CONVERSATION.search(pf.text(name))
                             or pf.text(name).rsplit("::", 1)[-1] in {c.rsplit("::", 1)[-1]
                                                                       for c in model.acts_as_chat_classes()}):
        return target is None or target.type == "self"
    around = method or write
    return any(contains(around, c.node) for c in model.code_calls(*SEND_METHODS) if c.pf.rel == pf.rel)


def _llm_methods(ctx: FactContext) -> list[tuple[ParsedFile, ts.Node, int]]:
    """(file, method, byte position of the LLM send) for methods that send, and for their callers."""
    model = llm_model(ctx)
    out = []
    names = set()
    for c in model.chat_calls(*SEND_METHODS):
        m = enclosing_method(c.node)
        if m is not None:
            out.append((c.pf, m, c.node.start_byte))
            names.add(def_name(c.pf, m))
    for pf in ctx.app_files("app", "lib", kind="ruby"):
        for c in ctx.index(pf).calls(*names) if names else []:
            m = enclosing_method(c)
            if m is not None:
                out.append((pf, m, c.start_byte))
    return out


def _guard_exits(pf: ParsedFile, cond: ts.Node) -> bool:
    text = pf.text(cond)
    return any(re.search(rf"\b{w}\b", text) for w in GUARD_EXITS)


@collector(ids=["budget.env_var", "budget.check_before_ask", "budget.tracks_tokens"])
def budget(ctx: FactContext):
    env_var, env_ev = None, []
    tracks = []
    for pf in ctx.code_files():
        idx = ctx.index(pf)
        for c in idx.calls("fetch", "[]"):
            r = receiver(c)
            a = args(c)
            key = literal(a[0]) if a else None
            if r is not None and pf.text(r) == "ENV" and key and BUDGET_ENV.search(key):
                env_var, env_ev = env_var or key, env_ev + [ctx.ev(pf, c)]
        for ref in idx.of("element_reference"):
            if ref.named_children and pf.text(ref.named_children[0]) == "ENV" and len(ref.named_children) > 1:
                key = literal(ref.named_children[1])
                if key and BUDGET_ENV.search(key):
                    env_var, env_ev = env_var or key, env_ev + [ctx.ev(pf, ref)]
        tracks += [ctx.ev(pf, c) for c in idx.calls("input_tokens", "output_tokens", "total_tokens")]
    guards = []
    for pf, m, at in _llm_methods(ctx):
        for cond in ctx.index(pf).of("if", "unless", "if_modifier", "unless_modifier", "conditional"):
            if not contains(m, cond) or cond.start_byte >= at:
                continue
            c = cond.child_by_field_name("condition")
            if c is not None and BUDGET_WORDS.search(pf.text(c)) and _guard_exits(pf, cond):
                guards.append(ctx.ev(pf, cond))
    return [
        fact("budget.env_var", env_var, "facts/v2/budget", env_ev[:3]),
        fact("budget.check_before_ask", bool(guards), "facts/v2/budget-guard", guards[:5]),
        fact("budget.tracks_tokens", bool(tracks), "facts/v2/budget", tracks[:5]),
    ]
