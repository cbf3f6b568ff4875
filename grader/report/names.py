"""How the reports name a graded repo."""

from __future__ import annotations

from pathlib import Path


def display_name(source: str) -> str:
    """A repo's name from what the user gave: folder name, archive name without its suffix,
    or the last part of a git URL without `.git` and `@commit`."""
    from grader.ingest import ARCHIVE_SUFFIXES, is_git_url, split_git_ref

    if is_git_url(source) and not Path(source).exists():
        source = split_git_ref(source)[0]
    name = Path(source.rstrip("/")).name
    for suffix in sorted(ARCHIVE_SUFFIXES, key=len, reverse=True):
        if name.lower().endswith(suffix):
            return name[: -len(suffix)]
    return name.removesuffix(".git")
