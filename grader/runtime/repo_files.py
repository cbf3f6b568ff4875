"""Reading files of a graded repo on the host, safely: a repo may ship symlinks pointing at host
files (e.g. `Dockerfile -> /etc/shadow`), and what we read can end up in the report."""

from __future__ import annotations

import posixpath
from pathlib import Path

from grader.core.gems import parse_lockfile
from grader.core.repo import RepoReader

MAX_READ = 1_000_000


def _lexical(rel: str | Path) -> str | None:
    """`a/../b` folded on the string; None when it climbs above the root (never looked up)."""
    text = posixpath.normpath(Path(rel).as_posix())
    return None if text == ".." or text.startswith(("../", "/")) else text


def inside_repo(repo: Path, rel: str | Path) -> Path | None:
    """The file's real path if it is a regular file that resolves inside the repo, else None.
    Links are followed only while they stay inside the repo."""
    folded = _lexical(rel)
    if folded is None:
        return None
    reader = RepoReader(repo, follow_links=True)
    if not reader.is_file(folded):
        return None
    where = reader.locate(folded)
    return Path(where) if isinstance(where, str) else None


def read_repo_text(repo: Path, rel: str | Path, limit: int = MAX_READ) -> str | None:
    """At most `limit` bytes of a regular file inside the repo, decoded; None when refused."""
    folded = _lexical(rel)
    if folded is None:
        return None
    return RepoReader(repo, follow_links=True).read(folded, limit=limit, truncate=True, allow_binary=True).text()


_REGISTRY_REMOTES = ("https://rubygems.org", "http://rubygems.org", "https://index.rubygems.org")


def gem_from_registry(repo: Path, gem: str) -> bool:
    """Whether Gemfile.lock takes `gem` from rubygems.org and nowhere else. Gate tools run through
    `bundle exec` only then: a repo could otherwise vendor a fake `rubocop` (PATH/GIT source or its
    own gem server) that prints a clean report."""
    text = read_repo_text(repo, "Gemfile.lock")
    return bool(text) and parse_lockfile(text).from_registry(gem, _REGISTRY_REMOTES)
