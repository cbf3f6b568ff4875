"""Where the app is inside a repo: the top folder, or the one sub-folder (two levels at most) that
a runtime profile recognises when the top does not (agents often write the app into `app_name/`).
Symbolic links are never followed."""

from __future__ import annotations

import os
from pathlib import Path

from grader.runtime.profiles import load_profiles

MAX_DEPTH = 2
_SKIP = {"node_modules", "vendor", "tmp", "log", "coverage", "public", "spec", "test", "app", "config", "db", "lib"}


def _recognised(folder: Path) -> bool:
    return any(p.matches(folder) for p in load_profiles().values())


def _subfolders(folder: Path) -> list[Path]:
    try:
        with os.scandir(folder) as entries:
            return sorted(Path(e.path) for e in entries
                          if e.is_dir(follow_symlinks=False) and not e.name.startswith(".") and e.name not in _SKIP)
    except OSError:
        return []


def find_app_root(repo: Path) -> tuple[Path, str | None]:
    """(folder, note). The repo itself when a profile recognises it or nothing below does."""
    if _recognised(repo):
        return repo, None
    level = [repo]
    for _ in range(MAX_DEPTH):
        level = [sub for folder in level for sub in _subfolders(folder)][:200]
        found = [sub for sub in level if _recognised(sub)]
        if found:
            chosen = found[0]
            rel = chosen.relative_to(repo).as_posix()
            also = ", ".join(f.relative_to(repo).as_posix() for f in found[1:4])
            others = f" (also found: {also})" if also else ""
            return chosen, f"app root {rel}/: the repo's top folder holds no app{others}"
    return repo, None
