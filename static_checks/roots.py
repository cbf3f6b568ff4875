"""Which app root a file belongs to, and which roots a check reports."""

from __future__ import annotations


def owner_root(rel: str, roots: list[str] | set[str]) -> str:
    """The deepest app root containing `rel` (roots are folder paths, "." is the top)."""
    folder = rel
    while "/" in folder:  # from the file's folder up: a lookup per level, not a scan of every root
        folder = folder.rpartition("/")[0]
        if folder in roots:
            return folder
    return "."


def root_names(app_roots: list[str], rels: list[str]) -> list[str]:
    """The app roots checked, in order: Ruby outside any Gemfile's folder is still checked, against
    the top's version rules, as a root "." put first."""
    names = list(app_roots)
    known = set(names)
    if "." not in known and any(owner_root(rel, known) == "." for rel in rels):
        names.insert(0, ".")
    return names
