"""Brief v2 specifics: tools (G7), structured-output title (G8), token budget (G9), concurrency hazards (G6).

The exact-array payload test (G5) is in tests.py (tests.exact_payload_array).
"""

from __future__ import annotations

import re

import tree_sitter as ts

from static_checks.facts.context import FactContext, fact
from static_checks.facts.llm_calls import SEND_METHODS, llm_model
from static_checks.facts.persistence import process_local_stores
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
GUARD_EXITS = frozenset({"return", "raise", "render", "redirect_to", "head", "fail"})
LOCKS = re.compile(r"lock|synchronize|transaction|mutex|exclusive|serialize", re.I)
ATOMIC_WRITES = frozenset({"increment", "decrement", "unless_exist"})
POOL_CTORS = re.compile(r"^(Redis|ConnectionPool|Faraday|Net::HTTP|RedisClient|Redis::Namespace)(::\w+)*\.(new|start)$")


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


@collector("v2_goals", ids=["tools.classes", "tools.count", "tools.server_time", "tools.calculator", "tools.registered",
                            "tools.calculator_uses_eval"])
def tools(ctx: FactContext):
    model = llm_model(ctx)
    named = sorted((tool_name(app) + (app,) for app in model.tool_classes().values()), key=lambda t: t[0])
    ev = {name: ctx.ev(d.file.pf, d.node) for name, d, _app in named}
    names = [n for n, _d, _a in named]
    registered = model.chat_calls("with_tool", "with_tools")
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
        fact("tools.registered", bool(registered), rule, [ctx.ev(c.pf, c.node) for c in registered[:5]]),
        fact("tools.calculator_uses_eval", bool(eval_in_tools), "facts/v2/tools-eval", eval_in_tools[:5]),
    ]


@collector("v2_goals", ids=["schema.with_schema", "schema.schema_class", "schema.title_via_schema", "title.generated"])
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
                    and re.search(r"title\b|\[:title\]|\[\"title\"\]", pf.text(left))):
                title_ev.append(ctx.ev(pf, a))
        for p in ctx.index(pf).of("pair"):
            k = p.child_by_field_name("key")
            if k is not None and literal(k) == "title" and p.parent is not None and p.parent.type == "argument_list":
                call = p.parent.parent
                if call is not None and call_name(call) in ("update", "update!", "create", "create!", "write", "assign_attributes"):
                    title_ev.append(ctx.ev(pf, p))
    return [
        fact("schema.with_schema", bool(with_schema), "facts/v2/schema", [ctx.ev(c.pf, c.node) for c in with_schema[:5]]),
        fact("schema.schema_class", bool(class_ev), "facts/v2/schema", class_ev[:5]),
        fact("schema.title_via_schema", bool(titled), "facts/v2/schema-title", titled[:5]),
        fact("title.generated", bool(title_ev), "facts/v2/title", title_ev[:5]),
    ]


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


@collector("v2_goals", ids=["budget.env_var", "budget.check_before_ask", "budget.tracks_tokens"])
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


def _in_lock(node: ts.Node, pf: ParsedFile) -> bool:
    cur = node.parent
    while cur is not None:
        if cur.type == "call" and LOCKS.search(call_name(cur) or "") and cur.child_by_field_name("block") is not None:
            return True
        if cur.type in ("method", "singleton_method"):
            return False
        cur = cur.parent
    return False


def _cache_call(pf: ParsedFile, c: ts.Node) -> bool:
    r = receiver(c)
    return r is not None and re.search(r"cache|redis|store", pf.text(r), re.I) is not None


@collector("v2_goals", ids=["concurrency.hazards", "concurrency.hazard_count"])
def concurrency(ctx: FactContext):
    hazards: dict[str, list] = {}
    local = process_local_stores(ctx)
    local_ev = [e for evs in local.values() for e in evs]
    if local_ev:
        hazards["process_local_store"] = local_ev[:3]
    for pf in ctx.app_files("app", "lib", kind="ruby"):
        idx = ctx.index(pf)
        for m in idx.of("method", "singleton_method"):
            reads = [c for c in idx.calls("read", "fetch", "get", "exist?") if contains(m, c) and _cache_call(pf, c)]
            writes = [c for c in idx.calls("write", "set") if contains(m, c) and _cache_call(pf, c)
                      and not _in_lock(c, pf) and not any(literal(k) in ATOMIC_WRITES for k in _pair_keys(c))]
            # reads may come through a helper of the same class (`messages + [...]` then write)
            helper_reads = bool(writes) and any(call_name(c) in _reader_names(ctx, pf) for c in idx.calls()
                                                if contains(m, c) and receiver(c) is None)
            if writes and (reads or helper_reads):
                hazards.setdefault("non_atomic_cache_rmw", []).append(ctx.ev(pf, writes[0]))
            caps = [b for b in idx.of("binary") if contains(m, b)
                    and re.search(r"\b(size|count|length)\b", pf.text(b)) and re.search(r"MAX|LIMIT|CAP", pf.text(b))]
            if caps and writes:
                hazards.setdefault("read_then_write_cap", []).append(ctx.ev(pf, caps[0]))
    unserialized = _unserialized_turns(ctx)
    if unserialized:
        hazards["unserialized_turns"] = unserialized
    hazards.update(_fork_unsafe(ctx))
    kinds = sorted(hazards)
    ev = [e for k in kinds for e in hazards[k][:2]]
    return [
        fact("concurrency.hazards", kinds, "facts/v2/concurrency", ev[:10]),
        fact("concurrency.hazard_count", len(kinds), "facts/v2/concurrency", ev[:10]),
    ]


def _pair_keys(call: ts.Node) -> list[ts.Node]:
    return [p.child_by_field_name("key") for a in args(call) for p in ([a] if a.type == "pair" else [])
            if p.child_by_field_name("key") is not None]


def _reader_names(ctx: FactContext, pf: ParsedFile) -> set[str]:
    """Methods of this file whose body reads a cache (e.g. `def messages = @cache.read(key)`)."""
    key = f"readers:{pf.rel}"
    if key not in ctx.cache:
        idx = ctx.index(pf)
        names = set()
        for m in idx.of("method"):
            if any(contains(m, c) and _cache_call(pf, c) for c in idx.calls("read", "fetch", "get")):
                names.add(def_name(pf, m))
        ctx.cache[key] = names
    return ctx.cache[key]


def _fork_unsafe(ctx: FactContext) -> dict[str, list]:
    """A connection made at boot (constant/global in an initializer or class body) with preload_app! and
    no reconnect in on_worker_boot / before_fork."""
    puma = ctx.parsed_file("config/puma.rb")
    if puma is None:
        return {}
    pidx = ctx.index(puma)
    preload = pidx.calls("preload_app!") or pidx.bare_identifiers("preload_app!")
    if not preload or pidx.calls("on_worker_boot", "before_fork", "on_worker_fork", "before_worker_boot"):
        return {}
    ev = []
    for pf in ctx.app_files("config/initializers", "app", "lib", kind="ruby"):
        for a in ctx.index(pf).of("assignment", "operator_assignment"):
            left, right = a.child_by_field_name("left"), a.child_by_field_name("right")
            if (left is not None and left.type in ("constant", "global_variable", "scope_resolution")
                    and right is not None and right.type == "call" and enclosing_method(a) is None
                    and POOL_CTORS.match(pf.text(right).split("(")[0].strip())):
                ev.append(ctx.ev(pf, a))
    return {"fork_unsafe_pool": ev} if ev else {}


def _unserialized_turns(ctx: FactContext) -> list:
    """A turn (read history, ask, store) that two requests of one conversation can run at once:
    the provider call sits in no lock block, in its method or in a caller, while history is kept."""
    from static_checks.facts.rubyllm_usage import multi_turn

    kind, evidence = multi_turn(ctx)
    if kind == "none":
        return []
    history_files = {e.file for e in evidence}
    out = []
    for c in llm_model(ctx).chat_calls(*SEND_METHODS):
        # only the turns that carry history (a one-off call, e.g. a title, has no turn to race)
        if c.pf.rel not in history_files or _in_lock(c.node, c.pf):
            continue
        m = enclosing_method(c.node)
        if m is not None and any(_in_lock(call, other) for other, call in ctx.callers(c.pf, m)):
            continue
        out.append(ctx.ev(c.pf, c.node))
    return out
