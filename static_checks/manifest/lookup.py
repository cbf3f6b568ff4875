"""Ruby constant lookup shared by the extractor and the index.

Ruby resolves a constant reference lexically (innermost `module`/`class` first, then
outward), then through the ancestors of the innermost scope, then at top level.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable


def lexical_candidates(name: str, nesting: list[str]) -> list[str]:
    """Fully-qualified names to try, in Ruby's order, for `name` written inside `nesting`.

    `nesting` is outermost-first, e.g. ["RubyLLM", "RubyLLM::Chat"].
    """
    if name.startswith("::"):
        return [name[2:]]
    out = [f"{scope}::{name}" for scope in reversed(nesting) if scope]
    out.append(name)
    return out


def resolve_constant(
    name: str,
    nesting: list[str],
    exists: Callable[[str], bool],
    ancestors: Callable[[str], Iterable[str]] | None = None,
) -> str | None:
    """The first candidate that `exists`, or None.

    Only the first segment of a compound name is looked up; the rest must hang below it.
    """
    head, _, tail = name.lstrip(":").partition("::")
    if name.startswith("::"):
        return name[2:] if exists(name[2:]) else None
    for cand_head in lexical_candidates(head, nesting):
        if exists(cand_head):
            full = f"{cand_head}::{tail}" if tail else cand_head
            return full if exists(full) else None
    if ancestors is not None and nesting:
        for anc in ancestors(nesting[-1]):
            cand_head = f"{anc}::{head}"
            if exists(cand_head):
                full = f"{cand_head}::{tail}" if tail else cand_head
                return full if exists(full) else None
    return None
