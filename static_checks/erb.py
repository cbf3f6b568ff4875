"""The Ruby inside ERB templates, at the same byte offsets as in the template.

Everything that is not Ruby becomes spaces (newlines are kept), so a node's line and
column in the extracted buffer are its line and column in the .erb file.
"""

from __future__ import annotations

from functools import lru_cache

import tree_sitter as ts

from static_checks.blanking import blank_keeping_lines


@lru_cache(maxsize=1)
def _parser() -> ts.Parser:
    import tree_sitter_embedded_template as tset

    return ts.Parser(ts.Language(tset.language()))


def extract_ruby(template: bytes) -> bytes:
    buf = bytearray(blank_keeping_lines(template))
    tree = _parser().parse(template)
    stack = [tree.root_node]
    while stack:
        node = stack.pop()
        if node.type in ("directive", "output_directive"):
            for child in node.children:
                if child.type != "code":
                    continue
                start, end = child.start_byte, child.end_byte
                code = template[start:end]
                # `<%== x %>` (raw output) reaches us as "= x"; keep the expression only.
                if node.type == "output_directive" and code.startswith(b"="):
                    code = b" " + code[1:]
                buf[start:end] = code
                # Separate consecutive directives like `<% if a %>...<% end %>`.
                if end < len(buf) and buf[end] == 0x20:
                    buf[end] = ord(";")
            continue
        if node.type == "comment_directive":
            continue
        stack.extend(node.children)
    return bytes(buf)
