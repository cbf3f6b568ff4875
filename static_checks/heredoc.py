"""A fallback for heredocs tree-sitter-ruby cannot parse (a heredoc nested in another's
interpolation turns the whole file into one ERROR node): blank every heredoc body.

Bodies become spaces (newlines kept), so lines and columns of the code around them are unchanged.
"""

from __future__ import annotations

import re

from static_checks.blanking import blank_keeping_lines

# `<<~ID`, `<<-ID`, `<<ID` (bare ids are upper case, so `list << item` is no opener), quoted ids too.
_OPENER = re.compile(rb"<<([~-]?)(?:([\"'`])([A-Za-z_]\w*)\2|([A-Z_][A-Z0-9_]*))")


def blank_heredoc_bodies(source: bytes) -> bytes:
    lines = source.split(b"\n")
    out: list[bytes] = []
    pending: list[tuple[bytes, bool]] = []  # (terminator, may be indented)
    for line in lines:
        if pending:
            ident, indented = pending[0]
            if (line.strip() if indented else line.rstrip(b"\r")) == ident:
                pending.pop(0)
                out.append(line)
            else:
                out.append(blank_keeping_lines(line))
            continue
        for m in _OPENER.finditer(line):
            ident = m.group(3) or m.group(4)
            pending.append((ident, bool(m.group(1))))
        out.append(line)
    return b"\n".join(out)
