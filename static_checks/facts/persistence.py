"""Where conversation state lives: process-local stores, Rails.cache and its store, session, caps, TTLs."""

from __future__ import annotations

import re

import tree_sitter as ts

from static_checks.facts.context import FactContext, fact
from static_checks.facts.llm_calls import llm_model
from static_checks.facts.registry import collector
from static_checks.facts.ruby_nodes import (
    ancestors,
    args,
    call_name,
    const_path,
    contains,
    enclosing,
    literal,
    receiver,
)
from static_checks.parsing import ParsedFile

RECORD_BASES = ("ApplicationRecord", "ActiveRecord::Base")
HARMLESS_GLOBALS = frozenset({"$stdout", "$stderr", "$stdin", "$PROGRAM_NAME", "$0", "$VERBOSE", "$DEBUG",
                              "$LOAD_PATH", "$LOADED_FEATURES", "$,", "$/"})
MUTABLE_CTORS = frozenset({"Hash.new", "Array.new", "Set.new", "Concurrent::Map.new", "Concurrent::Hash.new",
                           "Concurrent::Array.new", "ThreadSafe::Cache.new"})
MUTATORS = frozenset({"<<", "push", "store", "delete", "clear", "merge!", "update", "concat", "shift", "unshift",
                      "pop", "append", "prepend", "compute_if_absent", "put_if_absent", "fetch_or_store", "[]="})
CAP_CALLS = frozenset({"last", "first", "take", "shift", "drop", "slice!", "pop", "take_while", "drop_while"})
STATE_WORDS = re.compile(r"messag|histor|conversation|chat|turn|session|store|memory|cache|context", re.I)
SESSION_KEY_WORDS = re.compile(r"messag|histor|conversation|chat|turn", re.I)
TTL_KEYS = frozenset({"expires_in", "expire_after", "expires_at", "ttl"})


def _short_const(pf: ParsedFile, node: ts.Node) -> str:
    return (const_path(node) or pf.text(node)).rsplit("::", 1)[-1]


def _holder(left: ts.Node) -> ts.Node:
    """`X[k]` -> X; `X` -> X."""
    if left.type == "element_reference" and left.named_children:
        return left.named_children[0]
    return left


def _note_assignment(ctx: FactContext, pf: ParsedFile, a: ts.Node, found: dict[str, dict[str, object]],
                     mutable_consts: dict[str, tuple[ParsedFile, ts.Node]], mutated: set[str]) -> None:
    """What one assignment stores process-wide: a class variable, a global, a constant, a class-level ivar."""
    left = a.child_by_field_name("left")
    right = a.child_by_field_name("right")
    if left is None:
        return
    holder = _holder(left)
    name = pf.text(holder)
    if holder.type == "class_variable":
        found["class_variable"].setdefault(name, ctx.ev(pf, a))
    elif holder.type == "global_variable" and name not in HARMLESS_GLOBALS:
        found["global"].setdefault(name, ctx.ev(pf, a))
    elif holder.type in ("constant", "scope_resolution"):
        if left is holder and right is not None and _is_mutable_literal(pf, right):
            mutable_consts.setdefault(_short_const(pf, holder), (pf, a))
        elif left is not holder:
            mutated.add(_short_const(pf, holder))  # CONST[k] = v
    elif holder.type == "instance_variable" and enclosing(a, "singleton_method", "singleton_class"):
        if right is not None and _is_mutable_literal(pf, right):
            found["singleton"].setdefault(name, ctx.ev(pf, a))


def process_local_stores(ctx: FactContext) -> dict[str, list]:
    """kind -> evidence for class variables, globals, mutated mutable constants, class-level ivar stores."""
    if "process_local" in ctx.cache:
        return ctx.cache["process_local"]
    found: dict[str, dict[str, object]] = {"class_variable": {}, "global": {}, "mutable_constant": {}, "singleton": {}}
    mutable_consts: dict[str, tuple[ParsedFile, ts.Node]] = {}
    mutated: set[str] = set()
    for pf in ctx.app_files("app", "lib", kind="ruby"):
        idx = ctx.index(pf)
        for a in idx.of("assignment", "operator_assignment"):
            _note_assignment(ctx, pf, a, found, mutable_consts, mutated)
        for c in idx.calls(*MUTATORS):
            r = receiver(c)
            if r is not None:
                root = r.named_children[0] if r.type == "element_reference" and r.named_children else r
                if root.type in ("constant", "scope_resolution"):
                    mutated.add(_short_const(pf, root))
        for c in idx.calls("include"):
            if any(pf.text(x) == "Singleton" for x in args(c)):
                found["singleton"].setdefault("Singleton", ctx.ev(pf, c))
    for name, (pf, node) in mutable_consts.items():
        if name in mutated:
            found["mutable_constant"][name] = ctx.ev(pf, node)
    ctx.cache["process_local"] = {k: list(v.values()) for k, v in found.items()}
    ctx.cache["process_local_names"] = {k: list(v) for k, v in found.items()}
    return ctx.cache["process_local"]


def _is_mutable_literal(pf: ParsedFile, node: ts.Node) -> bool:
    if node.type in ("hash", "array"):
        return True
    if node.type == "call":
        if call_name(node) == "freeze":
            return False
        r = receiver(node)
        return r is not None and f"{const_path(r)}.{call_name(node)}" in MUTABLE_CTORS
    return False


def rails_cache_uses(ctx: FactContext) -> list:
    ev = []
    for pf in ctx.app_files("app", "lib", kind="ruby"):
        for c in ctx.index(pf).calls("cache"):
            r = receiver(c)
            if r is not None and pf.text(r) == "Rails":
                ev.append(ctx.ev(pf, c))
    return ev


@collector(ids=["persistence.class_variables", "persistence.globals", "persistence.mutable_constants",
                               "persistence.singleton_store", "persistence.process_local_store"])
def process_local(ctx: FactContext):
    stores = process_local_stores(ctx)
    names = ctx.cache["process_local_names"]
    rule = "facts/persistence/process-local"
    stateful = [
        ev for kind in stores for name, ev in zip(names[kind], stores[kind], strict=True)
        if STATE_WORDS.search(name) or kind in ("mutable_constant", "singleton", "class_variable")
    ]
    return [
        fact("persistence.class_variables", len(stores["class_variable"]), rule, stores["class_variable"][:5],
             ", ".join(names["class_variable"]) or None),
        fact("persistence.globals", len(stores["global"]), rule, stores["global"][:5],
             ", ".join(names["global"]) or None),
        fact("persistence.mutable_constants", len(stores["mutable_constant"]), rule, stores["mutable_constant"][:5],
             ", ".join(names["mutable_constant"]) or None),
        fact("persistence.singleton_store", bool(stores["singleton"]), rule, stores["singleton"][:5]),
        fact("persistence.process_local_store", bool(stateful), rule, stateful[:5],
             None if stateful else "checked app/ and lib/: no class variable, global, mutated constant or "
                                   "class-level store holds state"),
    ]


def cache_store_in(ctx: FactContext, rel: str) -> tuple[str, object] | None:
    """(store, evidence) of `config.cache_store = ...` in one config file, or None."""
    pf = ctx.parsed_file(rel)
    if pf is None:
        return None
    for a in ctx.index(pf).of("assignment"):
        left = a.child_by_field_name("left")
        if left is not None and left.type == "call" and call_name(left) == "cache_store":
            right = a.child_by_field_name("right")
            first = right.named_children[0] if right is not None and right.type == "right_assignment_list" else right
            value = literal(first) if first is not None else None
            return (value or (pf.text(first) if first is not None else "unknown")), ctx.ev(pf, a)
    return None


def production_cache_store(ctx: FactContext) -> tuple[str, list]:
    for rel in ("config/environments/production.rb", "config/application.rb"):
        hit = cache_store_in(ctx, rel)
        if hit is not None:
            return hit[0], [hit[1]]
    return "default", []


@collector(ids=["persistence.cache_store_by_env"])
def cache_store_by_env(ctx: FactContext):
    """`env:store` for every config/environments/*.rb (and `all:` for config/application.rb)."""
    out, ev = [], []
    prefix = ctx.app_rel("config/environments/")
    files = sorted(pf.rel for pf in ctx.parsed if pf.rel.startswith(prefix) and pf.rel.endswith(".rb"))
    for rel, env in [(ctx.app_rel("config/application.rb"), "all")] + [(f, f[len(prefix):-3]) for f in files]:
        hit = cache_store_in(ctx, rel[len(ctx.prefix):])
        if hit is not None:
            out.append(f"{env}:{hit[0]}")
            ev.append(hit[1])
    return [fact("persistence.cache_store_by_env", out, "facts/persistence/cache-store", ev)]


def _snake_plural(name: str) -> str:
    snake = re.sub(r"(?<!^)(?=[A-Z])", "_", name).lower()
    return snake[:-1] + "ies" if snake.endswith("y") else snake + ("es" if snake.endswith("s") else "s")


def conversation_models(ctx: FactContext) -> list:
    """Active Record models that hold the conversation: an acts_as_chat/acts_as_message model, or one
    the LLM path reads or appends (its constant or its association `.messages` in a method that calls
    the model or reaches such a call). A User table for Devise is no conversation store (cause 13)."""
    from static_checks.facts.call_chain import callers, provider_sites

    models: dict[str, tuple[ParsedFile, ts.Node]] = {}
    for pf in ctx.app_files("app/models", kind="ruby"):
        for cls in ctx.index(pf).of("class"):
            sup = cls.child_by_field_name("superclass")
            name = cls.child_by_field_name("name")
            if (sup is not None and name is not None and not pf.rel.endswith("application_record.rb")
                    and pf.text(sup).lstrip("< ").strip() in RECORD_BASES):
                models[pf.text(name).rsplit("::", 1)[-1]] = (pf, cls)
    held = [short for short, (pf, cls) in models.items()
            if any(macro in pf.text(cls) for macro in ("acts_as_chat", "acts_as_message"))]
    texts, seen = [], set()
    frontier = [(s.pf, s.node) for s in provider_sites(ctx)]
    for _depth in range(6):
        nxt = []
        for pf, node in frontier:
            m = enclosing(node, "method", "singleton_method")
            if m is None or (pf.rel, m.start_byte) in seen:
                continue
            seen.add((pf.rel, m.start_byte))
            texts.append(pf.text(m))
            # the same class's helpers it calls (`messages: [system, *history]` -> `def history`)
            called = {call_name(c) for c in ctx.index(pf).calls() if receiver(c) is None and contains(m, c)}
            called |= {pf.text(i) for i in ctx.index(pf).of("identifier") if contains(m, i)}
            texts += [pf.text(d) for d in ctx.index(pf).of("method") if pf.text(d.child_by_field_name("name")) in called
                      and enclosing(d, "class", "module") == enclosing(m, "class", "module")]
            nxt += callers(ctx, pf, m)
        frontier = nxt
    path = "\n".join(texts)
    for short in models:
        snake = re.sub(r"(?<!^)(?=[A-Z])", "_", short).lower()
        if short not in held and (re.search(rf"\b{short}\b|@{snake}\b", path) or f".{_snake_plural(short)}" in path):
            held.append(short)
    return [ctx.ev(*models[s]) for s in sorted(held)]


STORE_WRITES = frozenset({"write", "store", "set", "update", "update!", "update_column", "save", "[]=", "replace",
                          "write_multi", "fetch"})


def _bounds_a_store(pf: ParsedFile, call: ts.Node) -> bool:
    """The trimmed value goes back into state (assigned, written, mutated in place), not only read."""
    if call_name(call) in ("shift", "pop", "slice!"):
        return True
    for a in ancestors(call):
        if a.type in ("assignment", "operator_assignment"):
            right = a.child_by_field_name("right")
            return right is not None and right.start_byte <= call.start_byte
        if a.type == "call" and call_name(a) in STORE_WRITES:
            return True
        if a.type in ("method", "singleton_method", "block", "do_block"):
            break
    return False


def _on_conversation_store(pf: ParsedFile, pair: ts.Node) -> bool:
    """A TTL given to a write of conversation state (a cache key or value about messages/history/chats)
    or to the session store: a model-list cache's expiry bounds no history."""
    call = enclosing(pair, "call")
    if call is None:
        return False
    if call_name(call) in ("session_store", "cookie_store") or "session" in pf.text(call)[:80]:
        return True
    head = pf.text(call)
    block = call.child_by_field_name("block")
    if block is not None:  # `Rails.cache.fetch(key, expires_in: ...) { ... }`: judge the key, not the block
        head = pf.source[call.start_byte:block.start_byte].decode("utf-8", "replace")
    return bool(SESSION_KEY_WORDS.search(head)) or _appends_turns(pf, call)


def _appends_turns(pf: ParsedFile, write: ts.Node) -> bool:
    """The written value is a list its method appends to or trims (`list + [m]`, `list << m`,
    `list.shift`): the cache holds turns whatever its key is called."""
    values = [a for a in args(write) if a.type != "pair"][1:]
    if not values:
        return False
    root = values[0]
    while root.type in ("binary", "call") and root.named_children:
        root = root.child_by_field_name("left") or receiver(root) or root.named_children[0]
        if root is None:
            return False
    if root.type != "identifier":
        return False
    name = pf.text(root)
    m = enclosing(write, "method", "singleton_method")
    if m is None:
        return False
    grows = f"{name} + [", f"{name} << ", f"{name}.push", f"{name}.append", f"{name}.shift", f"{name}.last("
    return any(g in pf.text(m) for g in grows)


@collector(ids=["persistence.rails_cache", "persistence.cache_store", "persistence.session",
                               "persistence.cap", "persistence.ttl", "persistence.database", "persistence.strategy"])
def stores(ctx: FactContext):
    cache_ev = rails_cache_uses(ctx)
    store, store_ev = production_cache_store(ctx)
    session_ev, cap_ev, ttl_ev = [], [], []
    display = (ctx.app_rel("app/views/"), ctx.app_rel("app/helpers/"), ctx.app_rel("app/components/"))
    for pf in ctx.app_files("app", "lib", "config"):
        idx = ctx.index(pf)
        # A view's `messages.last(2)` picks what to show; it bounds no store (issue 10, cause 8).
        shows_only = pf.rel.startswith(display)
        for ref in idx.of("element_reference"):
            obj = ref.named_children[0] if ref.named_children else None
            key = literal(ref.named_children[1]) if len(ref.named_children) > 1 else None
            # `session[:conversation_id]` only names the conversation; the state lives elsewhere.
            if (obj is not None and pf.text(obj) == "session" and key and SESSION_KEY_WORDS.search(key)
                    and not key.endswith("id")):
                session_ev.append(ctx.ev(pf, ref))
        for c in ([] if shows_only else idx.calls(*CAP_CALLS)):
            r = receiver(c)
            if (r is not None and (args(c) or call_name(c) in ("shift", "pop"))
                    and STATE_WORDS.search(pf.text(r) + " " + pf.text(c)) and _bounds_a_store(pf, c)):
                cap_ev.append(ctx.ev(pf, c))
        for b in ([] if shows_only else idx.of("binary")):
            op = b.child_by_field_name("operator")
            text = pf.text(b)
            # the measured thing must be the conversation (`history.size > MAX_TURNS`), not a user's
            # tool list (`tools.count < TOOL_LIMIT`)
            if op is not None and pf.text(op) in (">", ">=", "<", "<=") \
                    and re.search(r"\b(size|count|length|bytesize)\b", text) and re.search(r"MAX|LIMIT|CAP", text) \
                    and STATE_WORDS.search(text):
                cap_ev.append(ctx.ev(pf, b))
        for p in idx.of("pair"):
            k = p.child_by_field_name("key")
            if k is not None and literal(k) in TTL_KEYS and _on_conversation_store(pf, p):
                ttl_ev.append(ctx.ev(pf, p))
    model = llm_model(ctx)
    db_ev = conversation_models(ctx)
    if model.acts_as_chat_classes():
        db_ev = db_ev or [ctx.ev_text(ctx.app_rel("app/models"), 1, "acts_as_chat")]
    local = process_local_stores(ctx)
    local_ev = [e for evs in local.values() for e in evs]
    if db_ev:
        strategy = "database"
    elif cache_ev:
        strategy = "rails_cache"
    elif session_ev:
        strategy = "session"
    elif local_ev:
        strategy = "process_local"
    else:
        strategy = "none"
    rule = "facts/persistence/store"
    return [
        fact("persistence.rails_cache", bool(cache_ev), rule, cache_ev[:5]),
        fact("persistence.cache_store", store, "facts/persistence/cache-store", store_ev,
             None if store_ev else "config.cache_store not set in production.rb or application.rb"),
        fact("persistence.session", bool(session_ev), rule, session_ev[:5]),
        fact("persistence.cap", bool(cap_ev), "facts/persistence/cap", cap_ev[:5],
             None if cap_ev else "no trim of stored history (views' display slices do not count)"),
        fact("persistence.ttl", bool(ttl_ev), "facts/persistence/ttl", ttl_ev[:5],
             None if ttl_ev else "no expiry on a write of conversation state or on the session store"),
        fact("persistence.database", bool(db_ev), rule, db_ev[:5]),
        fact("persistence.strategy", strategy, rule, (db_ev or cache_ev or session_ev or local_ev)[:3],
             "no model, cache key, session key or process-local store holds the turns the LLM path "
             "reads or appends" if strategy == "none" else None),
    ]
