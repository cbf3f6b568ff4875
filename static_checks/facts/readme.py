"""README state: missing, empty, the Rails generator's stock text, or a real one."""

from __future__ import annotations

import re

from static_checks.facts.context import FactContext, fact
from static_checks.facts.registry import collector

README_NAMES = ["README.md", "README.markdown", "README.rdoc", "README.txt", "README", "readme.md", "Readme.md"]
# The sentence `rails new` writes; agents that never touch the README leave it.
STOCK_SENTENCE = "this readme would normally document whatever steps are necessary"
MIN_REAL_WORDS = 15


@collector(ids=["readme.status"])
def readme(ctx: FactContext):
    rule = "facts/readme/status"
    # The workspace root's README is the deliverable; a nested app's own README also counts.
    folders = [""] + ([ctx.prefix] if ctx.prefix else [])
    rel = next((f + n for f in folders for n in README_NAMES if ctx.exists(f + n)), None)
    if rel is None:
        return [fact("readme.status", "missing", rule, note="no README in the app or repo root")]
    text = ctx.read_text(rel) or ""
    flat = re.sub(r"\s+", " ", text).lower()
    if STOCK_SENTENCE in flat:
        line = next((n for n, ln in enumerate(text.splitlines(), 1) if "would normally" in ln.lower()), 1)
        return [fact("readme.status", "stock", rule, [ctx.ev_text(rel, line, text.splitlines()[line - 1])])]
    words = re.findall(r"[A-Za-z]{2,}", text)
    if len(words) < MIN_REAL_WORDS:
        return [fact("readme.status", "empty", rule, [ctx.ev_text(rel, 1)], f"only {len(words)} words")]
    return [fact("readme.status", "real", rule, [ctx.ev_text(rel, 1)], f"{len(words)} words")]
