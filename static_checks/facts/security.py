"""Security: CSRF protection switched off, unescaped HTML output, eval-family calls."""

from __future__ import annotations

import re
from functools import lru_cache

import tree_sitter as ts

from static_checks.facts.context import FactContext, fact
from static_checks.facts.registry import collector
from static_checks.facts.ruby_nodes import args, call_name, const_path, kwarg, literal, receiver
from static_checks.parsing import ParsedFile

CSRF_SKIPS = frozenset({"skip_forgery_protection"})
EVAL_RECEIVERS = ("Kernel", "binding", "TOPLEVEL_BINDING", "Object")
# Methods that evaluate a String argument as code (instance_exec/class_exec only take blocks).
STRING_EVALS = frozenset({"instance_eval", "class_eval", "module_eval"})
MESSAGE_WORDS = re.compile(r"content|message|reply|response|body|text|markdown|output|answer|chunk|html", re.I)


def _csrf_skips(ctx: FactContext, pf: ParsedFile) -> list:
    idx = ctx.index(pf)
    hits = [ctx.ev(pf, n) for n in idx.bare_identifiers(*CSRF_SKIPS) if n.parent is not None
            and n.parent.type == "body_statement"]
    hits += [ctx.ev(pf, c) for c in idx.calls(*CSRF_SKIPS) if receiver(c) is None]
    for c in idx.calls("skip_before_action", "skip_action_callback"):
        if any(literal(a) == "verify_authenticity_token" for a in args(c)):
            hits.append(ctx.ev(pf, c))
    for c in idx.calls("protect_from_forgery"):
        with_ = kwarg(pf, c, "with")
        if with_ is not None and literal(with_) == "null_session":
            hits.append(ctx.ev(pf, c))
    return hits


@collector(ids=["security.csrf_disabled_globally", "security.csrf_skipped_actions"])
def csrf(ctx: FactContext):
    globally, per_controller = [], 0
    per_ev = []
    for pf in ctx.app_files("app/controllers", kind="ruby"):
        hits = _csrf_skips(ctx, pf)
        if pf.rel.endswith("/application_controller.rb"):
            globally += hits
        elif hits:
            per_controller += 1
            per_ev += hits
    # config.action_controller.allow_forgery_protection = false outside the test environment
    for pf in ctx.app_files("config", kind="ruby"):
        if pf.rel.endswith(("environments/test.rb", "environments/development.rb")):
            continue
        for a in ctx.index(pf).of("assignment"):
            left = a.child_by_field_name("left")
            right = a.child_by_field_name("right")
            if (left is not None and left.type == "call" and call_name(left) == "allow_forgery_protection"
                    and right is not None and right.type == "false"):
                globally.append(ctx.ev(pf, a))
    return [
        fact("security.csrf_disabled_globally", bool(globally), "facts/security/csrf", globally[:5]),
        fact("security.csrf_skipped_actions", per_controller, "facts/security/csrf", per_ev[:5]),
    ]


@lru_cache(maxsize=1)
def _erb_parser() -> ts.Parser:
    import tree_sitter_embedded_template as tset

    return ts.Parser(ts.Language(tset.language()))


def raw_erb_outputs(template: bytes) -> list[tuple[int, str]]:
    """(line, expression) of each `<%== expr %>` in a template (the extracted Ruby loses the second '=')."""
    out = []
    stack = [_erb_parser().parse(template).root_node]
    while stack:
        node = stack.pop()
        if node.type == "output_directive":
            # Grammar versions differ: `<%==` is one token, or `<%=` followed by code starting with "=".
            opener = node.children[0] if node.children else None
            double = opener is not None and opener.type == "<%=="
            for child in node.children:
                code = template[child.start_byte:child.end_byte]
                if child.type == "code" and (double or code.startswith(b"=")):
                    text = code[0 if double else 1:].decode("utf-8", "replace").strip()
                    out.append((child.start_point[0] + 1, text))
            continue
        stack.extend(node.children)
    return sorted(out)


def code_names(pf: ParsedFile, node: ts.Node) -> str:
    """The names an expression reads (variables, methods, constants), without its string literals:
    `"<span class='text-gray-100'>".html_safe` is fixed markup, not a message made raw."""
    names, stack = [], [node]
    while stack:
        cur = stack.pop()
        if cur.type in ("identifier", "instance_variable", "constant", "class_variable", "global_variable"):
            names.append(pf.text(cur))
        elif cur.type != "string_content":
            stack.extend(cur.named_children)
    return " ".join(reversed(names))


@collector(ids=["security.unsafe_html", "security.unsafe_html_on_message"])
def unsafe_html(ctx: FactContext):
    hits: list[tuple[object, str]] = []  # (evidence, the expression made raw)
    for pf in ctx.app_files("app/views", "app/helpers", "app/controllers", "app/components"):
        idx = ctx.index(pf)
        for c in idx.calls("raw"):
            if receiver(c) is None:
                hits.append((ctx.ev(pf, c), " ".join(code_names(pf, a) for a in args(c))))
        for c in idx.calls("html_safe"):
            r = receiver(c)
            hits.append((ctx.ev(pf, c), code_names(pf, r) if r is not None else ""))
        for p in idx.of("pair"):
            k, v = p.child_by_field_name("key"), p.child_by_field_name("value")
            if k is not None and literal(k) == "sanitize" and v is not None and v.type == "false":
                call = p.parent.parent if p.parent is not None else None
                hits.append((ctx.ev(pf, p), pf.text(call) if call is not None else ""))
    for rel in ctx.all_files:
        if rel.startswith(ctx.app_rel("app/views/")) and rel.endswith(".erb"):
            text = ctx.read_text(rel)
            if text and "<%==" in text:
                for line, code in raw_erb_outputs(text.encode()):
                    hits.append((ctx.ev_text(rel, line, f"<%== {code} %>"), code))
    on_message = [ev for ev, expr in hits if MESSAGE_WORDS.search(expr)]
    return [
        fact("security.unsafe_html", len(hits), "facts/security/unsafe-html", [ev for ev, _ in hits][:10]),
        fact("security.unsafe_html_on_message", bool(on_message), "facts/security/unsafe-html", on_message[:10]),
    ]


def eval_calls(ctx: FactContext, pf: ParsedFile) -> list[ts.Node]:
    """eval / Kernel.eval / binding.eval, instance_eval & co with a string, send(:eval, ...)."""
    out = []
    idx = ctx.index(pf)
    for c in idx.calls("eval"):
        r = receiver(c)
        if r is None or pf.text(r) in EVAL_RECEIVERS or const_path(r) in EVAL_RECEIVERS:
            out.append(c)
    for c in idx.calls(*STRING_EVALS):
        a = args(c)
        if a and c.child_by_field_name("block") is None and a[0].type not in ("block_argument",):
            out.append(c)
    for c in idx.calls("send", "public_send", "__send__"):
        a = args(c)
        if a and literal(a[0]) in ("eval", "instance_eval", "class_eval"):
            out.append(c)
    return out


@collector(ids=["security.eval_calls"])
def evals(ctx: FactContext):
    ev = [ctx.ev(pf, c) for pf in ctx.code_files() if pf.kind == "ruby" for c in eval_calls(ctx, pf)]
    return [fact("security.eval_calls", len(ev), "facts/security/eval", ev[:10])]
