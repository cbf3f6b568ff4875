"""Find the Ruby sources and app roots of a repository, safely.

Graded repos are hostile: links are never followed (a link can point at host files or
loop), binary and oversized files are skipped and reported, never silently dropped.
"""

from __future__ import annotations

import os
import stat
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from grader.core.budget import start_repo_budget
from grader.core.repo import (DEFAULT_MAX_BYTES, SKIP_DIRS, Entry, RepoReader, Skip, SkipKind, display_name,
                              is_gem_home, normalize_rel)
from grader.core.repo import is_installed_gems as _installed_gems_in
from static_checks.records import SkippedFile

RUBY_NAMES = frozenset({"Gemfile", "Rakefile", "config.ru", "Guardfile", "Capfile"})
RUBY_SUFFIXES = (".rb", ".rake", ".gemspec", ".ru", ".jbuilder")
ERB_SUFFIXES = (".erb",)
__all__ = ["DEFAULT_MAX_BYTES", "SKIP_DIRS", "SourceFile", "SourceSet", "discover", "read_source", "source_kind"]


@dataclass(frozen=True)
class SourceFile:
    path: Path  # absolute
    rel: str  # relative to the checked path, with forward slashes (printable: see display_name)
    kind: str  # "ruby" or "erb"
    base: Path | None = None  # the checked path, for reading through RepoReader
    fs_rel: str | None = None  # rel as the file system spells it, when the name is not UTF-8
    max_bytes: int = DEFAULT_MAX_BYTES  # the cap discover() applied
    size: int = 0  # bytes, as the walk found it (shares work out before any file is read)


@dataclass
class SourceSet:
    base: Path
    files: list[SourceFile] = field(default_factory=list)
    skipped: list[SkippedFile] = field(default_factory=list)
    # Directories holding a Gemfile, relative to base ("." for the top).
    app_roots: list[str] = field(default_factory=list)
    # Every regular file the walk met (Ruby or not), in walk order: what the text rules read
    # (text_rules.repo_files walks the same folders the same way), so the tree is walked once.
    text_files: list[Entry] = field(default_factory=list)


def source_kind(name: str) -> str | None:
    if name in RUBY_NAMES or name.endswith(RUBY_SUFFIXES):
        return "ruby"
    if name.endswith(ERB_SUFFIXES):
        return "erb"
    return None


def is_installed_gems(folder: Path) -> bool:
    """A bundle or GEM_HOME committed into the repo (e.g. `.gems/ruby/3.3.0`): not graded."""
    return _installed_gems_in(RepoReader(folder.parent), folder.name)


# The walk reached these names through folders that are not links, so one lstat answers what
# RepoReader's checks (a realpath of every component, per call) would: a third of a check's
# own time on a tree of apps went there. Reading a file still goes through RepoReader.
def _walked_lstat(base: Path, rel: str) -> os.stat_result | None:
    try:
        return os.lstat(os.path.join(base, rel))
    except (OSError, ValueError):
        return None


def _walked_size(base: Path, rel: str) -> int | None:
    """Size of a regular file found by the walk; None for anything else."""
    st = _walked_lstat(base, rel)
    return st.st_size if st is not None and stat.S_ISREG(st.st_mode) else None


def discover(base: Path, max_bytes: int = DEFAULT_MAX_BYTES) -> SourceSet:
    """Walk `base` without following links; classify every Ruby-bearing file. The static pass of a
    repo starts here, and so does its time budget (grader.core.budget)."""
    reader = RepoReader(base, max_bytes=max_bytes)
    base = reader.root
    found = SourceSet(base=base)
    errors: list[Skip] = []
    budget = start_repo_budget()
    # Each folder is listed before it is entered, to tell a committed GEM_HOME from its own listing;
    # the walk then uses that listing instead of making it again.
    listed: dict[str, list[Entry]] = {}
    for here, dirs, files in reader.walk(on_error=errors, listed=listed):
        if budget.expired():  # e.g. 100k files: say where the walk stopped
            found.skipped.append(SkippedFile(file=display_name(here), reason=f"not walked: {budget.reason()}"))
            break
        kept = []
        for d in dirs:
            if d.name in SKIP_DIRS:
                continue
            if d.is_link:
                found.skipped.append(SkippedFile(file=d.display, reason="symbolic link not followed"))
                continue
            listing = reader.listing(d.rel)
            if listing is not None:  # else the walk reports it as an unreadable folder
                if is_gem_home(listing):
                    found.skipped.append(SkippedFile(file=d.display, reason="installed gems (GEM_HOME layout)"))
                    continue
                listed[d.rel] = listing
            kept.append(d)
        dirs[:] = kept
        if any(f.name == "Gemfile" and not f.is_link for f in files):
            found.app_roots.append(display_name(here))
        found.text_files.extend(f for f in files if f.is_file)
        for f in files:
            kind = source_kind(f.name)
            if kind is None:
                continue
            if f.is_link:
                found.skipped.append(SkippedFile(file=f.display, reason="symbolic link not followed"))
                continue
            size = _walked_size(base, f.rel) if f.is_file else None
            if size is None:  # a FIFO, socket or device named like Ruby, or gone meanwhile
                got = reader.read(f.rel)
                found.skipped.append(SkippedFile(file=f.display, reason=got.skip.reason if got.skip else "unreadable"))
                continue
            if size > max_bytes:
                found.skipped.append(SkippedFile(file=f.display, reason=f"larger than {max_bytes} bytes ({size})"))
                continue
            found.files.append(SourceFile(path=base / f.rel, rel=f.display, kind=kind, base=base,
                                          fs_rel=f.rel if f.rel != f.display else None, max_bytes=max_bytes,
                                          size=size))
    found.skipped.extend(SkippedFile(file=s.path, reason=s.reason) for s in errors)
    return found


@lru_cache(maxsize=8)
def _reader(base: Path, max_bytes: int) -> RepoReader:
    return RepoReader(base, max_bytes=max_bytes)


class PassReader(RepoReader):
    """A RepoReader for one pass over a tree: a folder is known plain (no link on the way from the root)
    once, from its parent's answer and one lstat of its own, not once per file in it (a realpath walks
    every component: most of what reading a small file cost), and a file in a plain folder costs one
    lstat. Same answers as RepoReader; make one per pass, as a folder is only known plain for the time
    of a pass."""

    def __post_init__(self) -> None:
        super().__post_init__()
        self._plain: dict[str, bool] = {"": True}  # the root is its real path (RepoReader resolved it)

    def _plain_dir(self, folder: str) -> bool:
        """Whether realpath(root/folder) is root/folder: every folder on the way is a folder, no link."""
        unknown = []
        while folder not in self._plain:  # up to the nearest folder already known (iterative: any depth)
            unknown.append(folder)
            folder = folder.rpartition("/")[0]
        plain = self._plain[folder]
        for folder in reversed(unknown):
            if plain:
                try:
                    plain = stat.S_ISDIR(os.lstat(os.path.join(self._real_root, folder)).st_mode)
                except (OSError, ValueError):
                    plain = False  # missing or unreadable: RepoReader's own lookup gives the answer
            self._plain[folder] = plain
        return plain

    def _plain_path(self, rel, follow_links: bool | None) -> str | None:
        """root/rel when its folder is plain (a name there that is no link is its own real path)."""
        norm = normalize_rel(rel)
        follow = self.follow_links if follow_links is None else follow_links
        if follow or norm is None or norm == "." or not self._plain_dir(norm.rpartition("/")[0]):
            return None
        return os.path.join(self._real_root, norm)

    def locate(self, rel, follow_links: bool | None = None):
        joined = self._plain_path(rel, follow_links)
        if joined is None:
            return super().locate(rel, follow_links)
        try:
            is_link = stat.S_ISLNK(os.lstat(joined).st_mode)
        except FileNotFoundError:
            return joined  # realpath() of a missing name in a plain folder is the name itself
        except (OSError, ValueError):
            return super().locate(rel, follow_links)
        # a link gets the full answer
        return super().locate(rel, follow_links) if is_link else joined

    def _lstat(self, rel, follow_links: bool | None = None):
        # locate() and then lstat() in one lstat, for a name in a plain folder
        joined = self._plain_path(rel, follow_links)
        if joined is None:
            return super()._lstat(rel, follow_links)
        try:
            found = os.lstat(joined)
        except FileNotFoundError:
            return Skip(display_name(os.fspath(rel)), SkipKind.missing, "no such file")
        except (OSError, ValueError):
            return super()._lstat(rel, follow_links)
        return super()._lstat(rel, follow_links) if stat.S_ISLNK(found.st_mode) else (joined, found)


def read_source(src: SourceFile, reader: RepoReader | None = None) -> tuple[bytes | None, str | None]:
    """Bytes of a source, or None and the reason it cannot be analysed. reader: one reading this
    pass's files under src.base (a PassReader), instead of a reader of our own."""
    if src.base is not None:
        got = (reader or _reader(src.base, src.max_bytes)).read(src.fs_rel or src.rel)
    else:  # a SourceFile built by hand: its own folder is the root
        got = _reader(src.path.parent, src.max_bytes).read(src.path.name)
    if got.skip is None:
        return got.data, None
    if got.skip.kind is SkipKind.missing:
        return None, "unreadable: No such file or directory"
    return None, got.skip.reason
