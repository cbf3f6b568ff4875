"""G6 concurrency hazards: unserialized turns, process-local stores, unlocked cache read-modify-write,
read-then-write caps, connections made before Puma forks."""

from __future__ import annotations

import re

import tree_sitter as ts

from static_checks.facts.context import FactContext, fact
from static_checks.facts.llm_calls import SEND_METHODS, llm_model
from static_checks.facts.persistence import process_local_stores
from static_checks.facts.registry import collector
from static_checks.facts.ruby_nodes import args, call_name, contains, def_name, enclosing_method, literal, receiver
from static_checks.parsing import ParsedFile

LOCKS = re.compile(r"lock|synchronize|transaction|mutex|exclusive|serialize", re.I)
ATOMIC_WRITES = frozenset({"increment", "decrement", "unless_exist"})
POOL_CTORS = re.compile(r"^(Redis|ConnectionPool|Faraday|Net::HTTP|RedisClient|Redis::Namespace)(::\w+)*\.(new|start)$")


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


@collector(ids=["concurrency.hazards", "concurrency.hazard_count"])
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
