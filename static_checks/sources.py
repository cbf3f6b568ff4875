"""Find the Ruby sources and app roots of a repository, safely.

Graded repos are hostile: links are never followed (a link can point at host files or
loop), binary and oversized files are skipped and reported, never silently dropped.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

from static_checks.models import SkippedFile

SKIP_DIRS = frozenset({"vendor", "node_modules", "tmp", "log", ".git", ".bundle", "coverage"})
RUBY_NAMES = frozenset({"Gemfile", "Rakefile", "config.ru", "Guardfile", "Capfile"})
RUBY_SUFFIXES = (".rb", ".rake", ".gemspec", ".ru", ".jbuilder")
ERB_SUFFIXES = (".erb",)
DEFAULT_MAX_BYTES = 1_000_000


@dataclass(frozen=True)
class SourceFile:
    path: Path  # absolute
    rel: str  # relative to the checked path, with forward slashes
    kind: str  # "ruby" or "erb"


@dataclass
class SourceSet:
    base: Path
    files: list[SourceFile] = field(default_factory=list)
    skipped: list[SkippedFile] = field(default_factory=list)
    # Directories holding a Gemfile, relative to base ("." for the top).
    app_roots: list[str] = field(default_factory=list)


def source_kind(name: str) -> str | None:
    if name in RUBY_NAMES or name.endswith(RUBY_SUFFIXES):
        return "ruby"
    if name.endswith(ERB_SUFFIXES):
        return "erb"
    return None


def is_installed_gems(folder: Path) -> bool:
    """A bundle or GEM_HOME committed into the repo (e.g. `.gems/ruby/3.3.0`), wherever
    BUNDLE_PATH pointed: third-party code, not the app's own, so it is not graded."""
    try:
        return (folder / "specifications").is_dir() and (folder / "gems").is_dir()
    except OSError:
        return False


def _rel(base: Path, path: Path) -> str:
    rel = path.relative_to(base).as_posix()
    return rel or "."


def discover(base: Path, max_bytes: int = DEFAULT_MAX_BYTES) -> SourceSet:
    """Walk `base` without following links; classify every Ruby-bearing file."""
    base = base.resolve()
    found = SourceSet(base=base)
    for dirpath, dirnames, filenames in os.walk(base, followlinks=False):
        here = Path(dirpath)
        kept = []
        for d in sorted(dirnames):
            if d in SKIP_DIRS:
                continue
            if is_installed_gems(here / d):
                found.skipped.append(SkippedFile(file=_rel(base, here / d), reason="installed gems (GEM_HOME layout)"))
                continue
            if (here / d).is_symlink():
                found.skipped.append(SkippedFile(file=_rel(base, here / d), reason="symbolic link not followed"))
                continue
            kept.append(d)
        dirnames[:] = kept
        if "Gemfile" in filenames and not (here / "Gemfile").is_symlink():
            found.app_roots.append(_rel(base, here))
        for name in sorted(filenames):
            kind = source_kind(name)
            if kind is None:
                continue
            path = here / name
            rel = _rel(base, path)
            if path.is_symlink():
                found.skipped.append(SkippedFile(file=rel, reason="symbolic link not followed"))
                continue
            try:
                size = path.stat().st_size
            except OSError as exc:
                found.skipped.append(SkippedFile(file=rel, reason=f"unreadable: {exc.strerror}"))
                continue
            if size > max_bytes:
                found.skipped.append(SkippedFile(file=rel, reason=f"larger than {max_bytes} bytes ({size})"))
                continue
            found.files.append(SourceFile(path=path, rel=rel, kind=kind))
    return found


def read_source(src: SourceFile) -> tuple[bytes | None, str | None]:
    """Bytes of a source, or None and the reason it cannot be analysed."""
    try:
        data = src.path.read_bytes()
    except OSError as exc:
        return None, f"unreadable: {exc.strerror}"
    if b"\0" in data[:8192]:
        return None, "binary file"
    return data, None
