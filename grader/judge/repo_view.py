"""Read-only view of the graded repo for the judge: no links, nothing outside the repo, size caps,
binary files skipped. The repo is hostile; everything read here is treated as data.

Kept in one small class so it can delegate to the kernel's shared reader (grader/core/repo.py)
once that lands, without touching the rest of the judge."""

from __future__ import annotations

import os
from functools import lru_cache
from pathlib import Path

MAX_FILE_BYTES = 512_000
MAX_FILES = 5_000
SKIP_DIRS = {".git", "node_modules", "vendor", "tmp", "log", "storage", "coverage", ".bundle", "public",
             ".venv", "__pycache__", "dist", "build", ".cache"}
TEXT_SUFFIXES = {".rb", ".erb", ".rake", ".ru", ".yml", ".yaml", ".md", ".js", ".ts", ".css", ".json", ".lock",
                 ".html", ".txt", ".gemspec", ".sh", ".toml", ".env", ".example", ".haml", ".slim", ".sql"}
TEXT_NAMES = {"Gemfile", "Dockerfile", "Rakefile", "Procfile", "README", ".env", "CLAUDE.md", "AGENTS.md",
              "Containerfile", ".ruby-version", ".dockerignore", ".rubocop.yml"}


class RepoView:
    def __init__(self, root: Path):
        self.root = Path(root).resolve()
        self._lines: dict[str, list[str] | None] = {}

    def files(self) -> list[str]:
        return list(_walk(self.root))

    def _inside(self, rel: str) -> Path | None:
        if not rel or rel.startswith("/") or "\\" in rel or "\0" in rel:
            return None
        cur = self.root
        try:
            for part in Path(rel).parts:
                if part in ("..", "."):
                    return None
                cur = cur / part
                if cur.is_symlink():
                    return None
            resolved = cur.resolve()
        except OSError:
            return None
        if self.root not in resolved.parents or not resolved.is_file():
            return None
        return resolved

    def exists(self, rel: str) -> bool:
        return self.lines(rel) is not None

    def lines(self, rel: str) -> list[str] | None:
        """The file's lines (without line ends), or None when it is not a readable text file of the repo."""
        rel = rel.strip().removeprefix("./")
        if rel not in self._lines:
            self._lines[rel] = self._read(rel)
        return self._lines[rel]

    def _read(self, rel: str) -> list[str] | None:
        path = self._inside(rel)
        if path is None:
            return None
        try:
            if path.stat().st_size > MAX_FILE_BYTES:
                return None
            data = path.read_bytes()
        except OSError:
            return None
        if b"\0" in data[:8192]:
            return None
        return data.decode("utf-8", errors="replace").splitlines()

    def text(self, rel: str) -> str | None:
        got = self.lines(rel)
        return None if got is None else "\n".join(got)


def _is_text_name(name: str) -> bool:
    return name in TEXT_NAMES or Path(name).suffix.lower() in TEXT_SUFFIXES or name.startswith(".env")


@lru_cache(maxsize=8)
def _walk_cached(root: str, mtime: float) -> tuple[str, ...]:
    out: list[str] = []
    for dirpath, dirnames, filenames in os.walk(root, followlinks=False):
        dirnames[:] = sorted(d for d in dirnames if d not in SKIP_DIRS and not os.path.islink(os.path.join(dirpath, d)))
        for name in sorted(filenames):
            full = os.path.join(dirpath, name)
            if os.path.islink(full) or not _is_text_name(name):
                continue
            out.append(os.path.relpath(full, root).replace(os.sep, "/"))
            if len(out) >= MAX_FILES:
                return tuple(out)
    return tuple(out)


def _walk(root: Path) -> tuple[str, ...]:
    try:
        mtime = root.stat().st_mtime
    except OSError:
        return ()
    return _walk_cached(str(root), mtime)
