"""Make text from a graded repo (file and folder names, messages, claims) inert in each output
format. HTML is escaped by Jinja's autoescape; these cover Markdown, CSV and the terminal."""

from __future__ import annotations

import re

# C0 controls (ESC included), DEL, C1 controls, and bidi overrides that reorder what a reader sees.
_CONTROL = re.compile("[\x00-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
_MD_ENTITY = {"&": "&amp;", "<": "&lt;", ">": "&gt;"}
# Backslash-escaped: code spans, links and images ([..](..), ![..]), tables, escapes themselves.
# Emphasis characters (* _) are left alone: they can only restyle text, and file names are full of _.
_MD_BACKSLASH = set("\\`[]|")
_BACKTICKS = re.compile("`+")
CSV_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def one_line(text: object) -> str:
    """Whitespace runs (newlines included) as one space."""
    return " ".join(str(text).split())


def terminal_text(text: object) -> str:
    """For a terminal: no escape sequences, no control characters, one line."""
    return one_line(_CONTROL.sub(" ", str(text)))


def _cut(text: str, limit: int) -> str:
    """At most `limit` characters, ending with "…" so a reader sees the cut (at a word's end when one is near)."""
    kept = text[:limit - 1]
    space = kept.rfind(" ")
    return (kept[:space] if space > limit - 40 else kept).rstrip() + "…"


def md_text(text: object, limit: int | None = None) -> str:
    """Plain Markdown text (also safe in a table cell): HTML tags, entities, links, images and code
    spans come out as literal characters."""
    flat = terminal_text(text)
    if limit is not None and len(flat) > limit:
        flat = _cut(flat, limit)
    out = []
    for ch in flat:
        if ch in _MD_ENTITY:
            out.append(_MD_ENTITY[ch])
        elif ch in _MD_BACKSLASH:
            out.append("\\" + ch)
        else:
            out.append(ch)
    return "".join(out)


def md_code(text: object, in_table: bool = False, limit: int | None = None) -> str:
    """A Markdown code span that no backtick in `text` can close early. Inside a code span HTML and
    links are not interpreted; in a table cell `|` must still be escaped."""
    flat = terminal_text(text)
    if limit is not None:
        flat = flat[:limit]
    if in_table:
        flat = flat.replace("|", "\\|")
    longest = max((len(m) for m in _BACKTICKS.findall(flat)), default=0)
    fence = "`" * (longest + 1)
    pad = " " if flat.startswith("`") or flat.endswith("`") or not flat.strip() else ""
    return f"{fence}{pad}{flat}{pad}{fence}"


def csv_cell(value: object) -> object:
    """A CSV cell a spreadsheet will not run: text starting with = + - @ (or a tab/CR) gets a leading
    quote, and line breaks and tabs inside become spaces. Numbers stay numbers."""
    if not isinstance(value, str):
        return value
    risky = value.lstrip(" ")[:1] in CSV_FORMULA_START
    text = value.replace("\r", " ").replace("\n", " ").replace("\t", " ")
    return "'" + text if risky else text
