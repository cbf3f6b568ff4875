"""Security: CSRF protection switched off, unescaped HTML output, eval-family calls."""

from __future__ import annotations

import re
from functools import lru_cache

import tree_sitter as ts

from static_checks.facts.context import FactContext, fact
from static_checks.facts.registry import collector
from static_checks.facts.ruby_nodes import (
    args,
    call_name,
    const_path,
    contains,
    def_name,
    enclosing,
    kwarg,
    literal,
    receiver,
)
from static_checks.parsing import ParsedFile, parse_ruby

CSRF_SKIPS = frozenset({"skip_forgery_protection"})
EVAL_RECEIVERS = ("Kernel", "binding", "TOPLEVEL_BINDING", "Object")
# Methods that evaluate a String argument as code (instance_exec/class_exec only take blocks).
STRING_EVALS = frozenset({"instance_eval", "class_eval", "module_eval"})
MESSAGE_WORDS = re.compile(r"content|message|reply|response|body|text|markdown|output|answer|chunk|completion", re.I)


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


ESCAPES = frozenset({"sanitize", "strip_tags", "h", "html_escape", "escape_html", "escapeHTML", "escape_once",
                     "json_escape", "simple_format", "sanitize_html", "escape"})
# Reads that yield ids, dates, counts or flags, never the message text: `message-#{message.id}`.
NON_TEXT = frozenset({"id", "to_param", "created_at", "updated_at", "role", "count", "size", "length", "dom_id",
                      "dom_class", "present?", "blank?", "any?", "empty?", "persisted?", "input_tokens",
                      "output_tokens", "model_id", "strftime"})
RAW_HTML_CALLS = re.compile(r"^broadcast_\w+|^(append|prepend|replace|update|before|after)(_all)?$")


def code_names(pf: ParsedFile, node: ts.Node) -> str:
    """The names an expression reads (variables, methods, constants), without its string literals and
    without what an escaping call wraps: `"<span class='x'>".html_safe` is fixed markup, and
    `"<p>#{h(msg.content)}</p>".html_safe` escapes the message first."""
    names, stack = [], [node]
    while stack:
        cur = stack.pop()
        if cur.type == "call" and (call_name(cur) in NON_TEXT or (call_name(cur) in ESCAPES and cur.id != node.id)):
            continue
        if cur.type in ("identifier", "instance_variable", "constant", "class_variable", "global_variable"):
            names.append(pf.text(cur))
        elif cur.type != "string_content":
            stack.extend(cur.named_children)
    return " ".join(reversed(names))


class ValueTracer:
    """Follows an expression made raw back to what it holds: locals to their assignments in the same
    method, a method's parameters to the arguments its callers pass (one hop). A method nobody calls
    (a helper no view uses) puts nothing on the page."""

    def __init__(self, ctx: FactContext):
        self.ctx = ctx

    def names(self, pf: ParsedFile, node: ts.Node) -> tuple[str, bool]:
        """(names the value reads, reachable)."""
        if node.type == "call" and call_name(node) in ESCAPES:
            return "", True
        if _safe_markdown(pf.text(node), pf.text(enclosing(node, "method", "singleton_method") or node)):
            return "", True
        words = [code_names(pf, node)]
        method = enclosing(node, "method", "singleton_method")
        if method is None:
            return words[0], True
        params = self._params(pf, method)
        reached = True
        resolved: set[str] = set()
        for ident in self._identifiers(node):
            name = pf.text(ident)
            for a in self.ctx.index(pf).of("assignment", "operator_assignment"):
                left = a.child_by_field_name("left")
                right = a.child_by_field_name("right")
                if (left is not None and right is not None and pf.text(left) == name
                        and contains(method, a) and a.end_byte <= node.start_byte):
                    words.append(code_names(pf, right))
                    resolved.add(name)
            if name in params:
                passed, reached = self._passed(pf, method, params.index(name))
                words.append(passed)
                resolved.add(name)
        # a local or parameter stands for what it holds, not for its own name
        words[0] = " ".join(w for w in words[0].split() if w not in resolved)
        return " ".join(words), reached

    @staticmethod
    def _identifiers(node: ts.Node) -> list[ts.Node]:
        out, stack = [], [node]
        while stack:
            cur = stack.pop()
            if cur.type == "call" and call_name(cur) in ESCAPES | NON_TEXT:
                continue
            if cur.type == "identifier":
                out.append(cur)
            stack.extend(cur.named_children)
        return out

    @staticmethod
    def _params(pf: ParsedFile, method: ts.Node) -> list[str]:
        plist = method.child_by_field_name("parameters")
        if plist is None:
            return []
        out = []
        for p in plist.named_children:
            n = p.child_by_field_name("name") if p.type != "identifier" else p
            out.append(pf.text(n) if n is not None else "")
        return out

    def _passed(self, pf: ParsedFile, method: ts.Node, position: int) -> tuple[str, bool]:
        from static_checks.facts.call_chain import callers

        name = def_name(pf, method) or ""
        found = list(callers(self.ctx, pf, method))
        # helpers run from views: calls in the templates' Ruby
        for view in self.ctx.app_files("app/views"):
            found += [(view, c) for c in self.ctx.index(view).calls(name)]
        if not found:
            return "", False
        words = []
        for cpf, c in found:
            a = [x for x in args(c) if x.type != "pair"]
            if position < len(a):
                words.append(code_names(cpf, a[position]))
        return " ".join(words), True


SAFE_REDCARPET = re.compile(r"\b(?:filter_html|escape_html)\s*(?::|=>)\s*true\b")


def _safe_markdown(expr: str, method: str = "") -> bool:
    """Commonmarker renders raw HTML in its input as comments unless told `unsafe: true`; a Redcarpet
    renderer built (in the same method) with filter_html or escape_html drops or escapes it. Either
    output made html_safe holds no markup from the text (Redcarpet's defaults and Kramdown pass HTML)."""
    if "Commonmarker" in expr and "unsafe" not in expr:
        return True
    return "render" in expr and "Redcarpet" in method and SAFE_REDCARPET.search(method) is not None


def _raw_sinks(ctx: FactContext, pf: ParsedFile) -> list[tuple[ts.Node, ts.Node | None]]:
    """(evidence node, the expression made raw) in one Ruby file."""
    idx = ctx.index(pf)
    out: list[tuple[ts.Node, ts.Node | None]] = []
    for c in idx.calls("raw"):
        if receiver(c) is None:
            a = args(c)
            out.append((c, a[0] if a else None))
    for c in idx.calls("html_safe"):
        out.append((c, receiver(c)))
    for p in idx.of("pair"):
        k, v = p.child_by_field_name("key"), p.child_by_field_name("value")
        if k is None or v is None:
            continue
        owner = enclosing(p, "call")
        if literal(k) == "sanitize" and v.type == "false":
            out.append((p, owner))
        # `broadcast_append_to(..., html: text)` and `turbo_stream.update(id, html: text)` insert raw HTML
        elif literal(k) == "html" and owner is not None and RAW_HTML_CALLS.match(call_name(owner) or ""):
            r = receiver(owner)
            if (call_name(owner) or "").startswith("broadcast") or (r is not None and pf.text(r) == "turbo_stream"):
                out.append((p, v))
    return out


@collector(ids=["security.unsafe_html", "security.unsafe_html_on_message"])
def unsafe_html(ctx: FactContext):
    """Raw HTML output (raw, html_safe, sanitize: false, <%==, broadcast/turbo_stream html:), and
    whether LLM text reaches one: the value is followed (issue 10, causes 9 and 12)."""
    tracer = ValueTracer(ctx)
    hits: list[tuple[object, str, bool]] = []  # (evidence, names the value reads, reachable)
    for pf in ctx.app_files("app", "lib"):
        for ev_node, expr in _raw_sinks(ctx, pf):
            words, live = tracer.names(pf, expr) if expr is not None else ("", True)
            hits.append((ctx.ev(pf, ev_node), words, live))
    for rel in ctx.all_files:
        if rel.startswith(ctx.app_rel("app/views/")) and rel.endswith(".erb"):
            text = ctx.read_text(rel)
            if text and "<%==" in text:
                for line, code in raw_erb_outputs(text.encode()):
                    expr_pf = parse_ruby(rel, code.encode())
                    body = expr_pf.root.named_children[0] if expr_pf.root.named_children else expr_pf.root
                    words = "" if body.type == "call" and call_name(body) in ESCAPES else code_names(expr_pf, body)
                    hits.append((ctx.ev_text(rel, line, f"<%== {code} %>"), words, True))
    on_message = [ev for ev, words, live in hits if live and MESSAGE_WORDS.search(words)]
    note = None
    if hits and not on_message:
        note = "raw output holds fixed markup, escaped text or code nothing runs; no LLM text reaches it"
    return [
        fact("security.unsafe_html", len(hits), "facts/security/unsafe-html", [ev for ev, _, _ in hits][:10]),
        fact("security.unsafe_html_on_message", bool(on_message), "facts/security/unsafe-html", on_message[:10], note),
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
