"""JavaScript of the app, parsed with tree-sitter-javascript (comments and strings are not code)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

import tree_sitter as ts

JS_SUFFIXES = (".js", ".mjs", ".cjs", ".ts", ".jsx", ".tsx")
HTML_SETTERS = frozenset({"innerHTML", "outerHTML"})
HTML_INSERTERS = frozenset({"insertAdjacentHTML"})
_SCRIPT = re.compile(rb"<script\b[^>]*>(.*?)</script\s*>", re.S | re.I)


@lru_cache(maxsize=1)
def js_parser() -> ts.Parser:
    import tree_sitter_javascript as tsj

    return ts.Parser(ts.Language(tsj.language()))


@dataclass
class JsHits:
    fetch_lines: list[int]
    html_write_lines: list[int]


def _callee_name(node: ts.Node) -> str | None:
    fn = node.child_by_field_name("function")
    if fn is None:
        return None
    if fn.type == "identifier":
        return fn.text.decode()
    if fn.type == "member_expression":
        prop = fn.child_by_field_name("property")
        return prop.text.decode() if prop is not None else None
    return None


def _member_property(node: ts.Node | None) -> str | None:
    if node is not None and node.type == "member_expression":
        prop = node.child_by_field_name("property")
        return prop.text.decode() if prop is not None else None
    return None


def scan_js(source: bytes, line_offset: int = 0) -> JsHits:
    """Lines (1-based, plus offset) of fetch() calls and of innerHTML/outerHTML/insertAdjacentHTML writes."""
    tree = js_parser().parse(source)
    hits = JsHits([], [])
    cursor = tree.walk()
    while True:
        node = cursor.node
        if node is not None:
            line = node.start_point[0] + 1 + line_offset
            if node.type == "call_expression":
                name = _callee_name(node)
                if name == "fetch":
                    fn = node.child_by_field_name("function")
                    is_member = fn is not None and fn.type == "member_expression"
                    obj = fn.child_by_field_name("object") if is_member else None
                    if obj is None or obj.text in (b"window", b"globalThis", b"self"):
                        hits.fetch_lines.append(line)
                elif name in HTML_INSERTERS:
                    hits.html_write_lines.append(line)
            elif node.type in ("assignment_expression", "augmented_assignment_expression"):
                if _member_property(node.child_by_field_name("left")) in HTML_SETTERS:
                    hits.html_write_lines.append(line)
        if cursor.goto_first_child():
            continue
        while not cursor.goto_next_sibling():
            if not cursor.goto_parent():
                return hits


def inline_scripts(template: bytes) -> list[tuple[bytes, int]]:
    """(script body, line offset) of each <script> block of an HTML/ERB template."""
    out = []
    for m in _SCRIPT.finditer(template):
        out.append((m.group(1), template.count(b"\n", 0, m.start(1))))
    return out
