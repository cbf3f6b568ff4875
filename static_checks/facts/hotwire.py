"""Hotwire: Turbo Stream responses and broadcasts, streaming inside ask, Stimulus, partials, fetch+innerHTML."""

from __future__ import annotations

import re

from static_checks.facts.context import FactContext, fact
from static_checks.facts.javascript import JS_SUFFIXES, inline_scripts, scan_js
from static_checks.facts.layout import generated_view
from static_checks.facts.llm_calls import SEND_METHODS, llm_model
from static_checks.facts.registry import collector
from static_checks.facts.ruby_nodes import call_name, contains, def_name, enclosing, enclosing_method, literal, receiver

BROADCAST = re.compile(r"^broadcast(s_to|_(append|prepend|replace|update|remove|before|after|action|refresh|render)"
                       r"(_later)?_to|_(append|prepend|replace|update|remove|action|render)(_later)?)$")
TURBO_STREAM_ACTIONS = frozenset({"append", "prepend", "replace", "update", "remove", "before", "after", "action",
                                  "refresh", "morph", "append_all", "prepend_all", "replace_all", "update_all"})
STREAM_WRITES = frozenset({"write", "broadcast", "transmit", "broadcast_to"})
# Model macros of turbo-rails that broadcast the record on every create/update (Turbo::Broadcastable).
BROADCASTING_MACROS = frozenset({"broadcasts_to", "broadcasts", "broadcasts_refreshes", "broadcasts_refreshes_to"})
RECORD_WRITES = frozenset({"update", "update!", "save", "save!", "create", "create!", "update_attribute",
                           "update_attributes", "update_attributes!", "increment!", "touch"})


def _is_broadcast(pf, call) -> bool:
    name = call_name(call) or ""
    if BROADCAST.match(name):
        return True
    # ActionCable.server.broadcast / SomeChannel.broadcast_to
    r = receiver(call)
    return (name in ("broadcast", "broadcast_to") and r is not None
            and ("ActionCable" in pf.text(r) or "Channel" in pf.text(r)))


def _in_respond_to(pf, node) -> bool:
    """Inside the block of a `respond_to do |f| ... end` (its parameter may have any name)."""
    block = enclosing(node, "block", "do_block")
    owner = block.parent if block is not None else None
    return owner is not None and owner.type == "call" and call_name(owner) == "respond_to"


@collector(ids=["hotwire.turbo_stream_responses", "hotwire.broadcasts", "hotwire.turbo_stream_from"])
def turbo(ctx: FactContext):
    responses, broadcasts, subscriptions = [], [], []
    for pf in ctx.app_files("app"):
        idx = ctx.index(pf)
        for c in idx.calls():
            name = call_name(c)
            r = receiver(c)
            rtext = pf.text(r) if r is not None else ""
            if name == "turbo_stream" and r is not None and r.type == "identifier" and (
                    rtext == "format" or _in_respond_to(pf, c)):
                responses.append(ctx.ev(pf, c))
            elif name in TURBO_STREAM_ACTIONS and rtext == "turbo_stream":
                responses.append(ctx.ev(pf, c))
            elif name == "turbo_stream_from" and r is None:
                subscriptions.append(ctx.ev(pf, c))
            elif _is_broadcast(pf, c):
                broadcasts.append(ctx.ev(pf, c))
        for p in idx.of("pair"):
            k = p.child_by_field_name("key")
            if (k is not None and literal(k) == "turbo_stream" and p.parent is not None
                    and p.parent.type == "argument_list"):
                responses.append(ctx.ev(pf, p))
    views = ctx.app_rel("app/views/")
    stream_views = [rel for rel in ctx.all_files if rel.startswith(views) and ".turbo_stream." in rel]
    responses += [ctx.ev_text(rel, 1) for rel in stream_views]
    rule = "facts/hotwire/turbo"
    return [
        fact("hotwire.turbo_stream_responses", len(responses), rule, responses[:10]),
        fact("hotwire.broadcasts", len(broadcasts), "facts/hotwire/broadcasts", broadcasts[:10]),
        fact("hotwire.turbo_stream_from", bool(subscriptions), rule, subscriptions[:5]),
    ]


@collector(ids=["hotwire.streams_in_ask_block"])
def streaming(ctx: FactContext):
    """G4: something is pushed to the page from inside the block given to ask/complete."""
    model = llm_model(ctx)
    # App methods that broadcast, so `ask(x) { |c| push(c) }` counts one call away.
    pushers: set[str] = set()
    for pf in ctx.app_files("app", "lib", kind="ruby"):
        for c in ctx.index(pf).calls():
            if _is_broadcast(pf, c) or (call_name(c) in STREAM_WRITES and receiver(c) is not None
                                        and "stream" in pf.text(receiver(c))):
                m = enclosing_method(c)
                if m is not None:
                    pushers.add(def_name(pf, m))
    broadcasting = broadcasting_models(ctx)
    ev = []
    for call in model.chat_calls(*SEND_METHODS):
        block = call.node.child_by_field_name("block")
        if block is None:
            continue
        for inner in ctx.index(call.pf).calls():
            if not contains(block, inner):
                continue
            name = call_name(inner)
            direct = _is_broadcast(call.pf, inner) or (name in STREAM_WRITES and receiver(inner) is not None
                                                       and "stream" in call.pf.text(receiver(inner)))
            if direct or name in pushers or writes_record_of(call.pf, inner, broadcasting):
                ev.append(ctx.ev(call.pf, inner))
                break
    return [fact("hotwire.streams_in_ask_block", bool(ev), "facts/hotwire/stream-in-ask", ev[:5])]


def broadcasting_models(ctx: FactContext) -> set[str]:
    """Lower-case names of app models whose records broadcast themselves when written (`broadcasts_to ...`)."""
    out = set()
    for pf in ctx.app_files("app/models", kind="ruby"):
        idx = ctx.index(pf)  # a bare `broadcasts` parses as an identifier
        macros = [*idx.calls(*BROADCASTING_MACROS),
                  *(n for n in idx.of("identifier") if pf.text(n) in BROADCASTING_MACROS)]
        for c in macros:
            cls = enclosing(c, "class")
            bare = c.type == "identifier" or receiver(c) is None
            name = cls.child_by_field_name("name") if cls is not None and bare else None
            if name is not None and enclosing_method(c) is None:
                out.add(pf.text(name).rsplit("::", 1)[-1].lower())
    return out


def writes_record_of(pf, call, models: set[str]) -> bool:
    """`message.update!(content: ...)`, `chat.messages.create!(...)`: a write of a record that broadcasts
    itself on every write (the receiver names the model, as Rails names records and associations)."""
    r = receiver(call)
    if call_name(call) not in RECORD_WRITES or r is None or not models:
        return False
    said = pf.text(r)
    if r.type == "identifier":  # `reply = chat.messages.last`: the local stands for what it holds
        scope = enclosing_method(call) or pf.root
        for a in scope_assignments(scope):
            left, right = a.child_by_field_name("left"), a.child_by_field_name("right")
            if left is not None and right is not None and pf.text(left) == said and a.start_byte < call.start_byte:
                said += " " + pf.text(right)
    letters = re.sub(r"[^a-z]", "", said.lower())  # `@chat_message`, `chat.messages.last`
    return any(m in letters for m in models)


def scope_assignments(node):
    stack = [node]
    while stack:
        cur = stack.pop()
        if cur.type == "assignment":
            yield cur
        stack.extend(cur.named_children)


@collector(ids=["hotwire.stimulus_controllers", "hotwire.partials"])
def stimulus_and_partials(ctx: FactContext):
    ctl_prefix = ctx.app_rel("app/javascript/controllers/")
    controllers = [
        rel for rel in ctx.all_files
        if rel.startswith(ctl_prefix) and re.search(r"_controller\.(js|ts|mjs)$", rel)
        and not rel.endswith(("/hello_controller.js", "/hello_controller.ts"))
    ]
    views = ctx.app_rel("app/views/")
    partials = [rel for rel in ctx.all_files if rel.startswith(views) and rel.rsplit("/", 1)[-1].startswith("_")
                and not generated_view(ctx, rel)]
    return [
        fact("hotwire.stimulus_controllers", len(controllers), "facts/hotwire/stimulus",
             [ctx.ev_text(r, 1) for r in controllers[:10]]),
        fact("hotwire.partials", len(partials), "facts/hotwire/partials", [ctx.ev_text(r, 1) for r in partials[:10]]),
    ]


@collector(ids=["hotwire.fetch_innerhtml"])
def fetch_innerhtml(ctx: FactContext):
    """A file (or template's inline script) that both calls fetch() and writes HTML into the DOM."""
    js_roots = (ctx.app_rel("app/javascript/"), ctx.app_rel("app/assets/javascripts/"), ctx.app_rel("public/"))
    views = ctx.app_rel("app/views/")
    ev = []
    for rel in ctx.all_files:
        chunks: list[tuple[bytes, int]] = []
        if rel.startswith(js_roots) and rel.endswith(JS_SUFFIXES) and ".min." not in rel:
            text = ctx.read_text(rel)
            chunks = [(text.encode(), 0)] if text else []
        elif rel.startswith((views, ctx.app_rel("public/"))) and rel.endswith((".erb", ".html")):
            text = ctx.read_text(rel)
            chunks = inline_scripts(text.encode()) if text else []
        for body, offset in chunks:
            hits = scan_js(body, offset)
            if hits.fetch_lines and hits.html_write_lines:
                ev.append(ctx.ev_text(rel, hits.fetch_lines[0], "fetch("))
                ev.append(ctx.ev_text(rel, hits.html_write_lines[0], "innerHTML / insertAdjacentHTML write"))
    return [fact("hotwire.fetch_innerhtml", bool(ev), "facts/hotwire/fetch-innerhtml", ev[:10])]
