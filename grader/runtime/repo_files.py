"""Reading files of a graded repo on the host, safely: a repo may ship symlinks pointing at host
files (e.g. `Dockerfile -> /etc/shadow`), and what we read can end up in the report."""

from __future__ import annotations

from pathlib import Path

MAX_READ = 1_000_000


def inside_repo(repo: Path, rel: str | Path) -> Path | None:
    """The file's real path if it is a regular file that resolves inside the repo, else None."""
    root = repo.resolve()
    try:
        target = (repo / rel).resolve(strict=True)
    except (OSError, RuntimeError):  # missing, or a symlink loop
        return None
    if target != root and root not in target.parents:
        return None
    return target if target.is_file() else None


def read_repo_text(repo: Path, rel: str | Path, limit: int = MAX_READ) -> str | None:
    path = inside_repo(repo, rel)
    if path is None:
        return None
    try:
        with path.open("rb") as fh:
            return fh.read(limit).decode("utf-8", "replace")
    except OSError:
        return None


_REGISTRY_REMOTES = ("https://rubygems.org", "http://rubygems.org", "https://index.rubygems.org")


def gem_from_registry(repo: Path, gem: str) -> bool:
    """Whether Gemfile.lock takes `gem` from rubygems.org and nowhere else. Gate tools run through
    `bundle exec` only then: a repo could otherwise vendor a fake `rubocop` (PATH/GIT source or its
    own gem server) that prints a clean report."""
    text = read_repo_text(repo, "Gemfile.lock")
    if not text:
        return False
    registry = other = False
    section, remote = "", ""
    for line in text.splitlines():
        if line and not line[0].isspace():
            section, remote = line.strip(), ""
        elif line.startswith("  remote: "):
            remote = line.split(":", 1)[1].strip().rstrip("/")
        elif line.startswith("    ") and not line.startswith("     ") and line.split(" (")[0].strip() == gem:
            if section == "GEM" and remote.startswith(_REGISTRY_REMOTES):
                registry = True
            elif section in ("GEM", "GIT", "PATH", "PLUGIN SOURCE"):
                other = True
    return registry and not other
