"""Which release of a gem a graded app uses.

Order: Gemfile.lock > the Gemfile's constraint > the gem's own *.gemspec dependency > newest release.
A lock entry under a GIT or PATH section (or a Gemfile `github:`/`git:`/`path:` option) is code that
may be ahead of every release: it is reported as VersionSource.git / .path and checked against the
nearest release not newer than the version it declares.

The files are read and parsed by the kernel (grader.core.gems, RubyGems semantics in grader.core.semver).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from grader.core.gems import gemfile_gem, parse_lockfile
from grader.core.gems import gemspec_requirements as gemspec_requirements
from grader.core.repo import RepoReader
from grader.core.semver import satisfies as satisfies
from grader.core.semver import version_key as version_key
from static_checks.manifest.index import SCHEMA_GEM, available_versions, release_commits
from static_checks.records import VersionSource


@dataclass(frozen=True)
class LockEntry:
    """One gem's line in a Gemfile.lock `specs:` list and the section it sits in."""

    version: str
    section: str  # "GEM", "GIT" or "PATH"
    remote: str | None = None  # git URL, or the folder for PATH
    revision: str | None = None
    ref: str | None = None  # branch, tag or ref when the Gemfile named one


# Each root's lock is read for ruby_llm and again for ruby_llm-schema: parse it once.
_parsed_lock = lru_cache(maxsize=8)(parse_lockfile)


def lock_entry(lock_text: str, gem: str) -> LockEntry | None:
    """`    ruby_llm (1.6.2)` under a GEM, GIT or PATH source's `specs:` list."""
    spec = _parsed_lock(lock_text).spec(gem)
    if spec is None or not spec.version or any(c.isspace() for c in spec.version):
        return None
    return LockEntry(spec.version, spec.section, spec.remote, spec.revision, spec.ref)


def _newest(releases: list[str], reqs: list[str]) -> str | None:
    matching = [r for r in releases if satisfies(r, reqs)]
    return matching[-1] if matching else None


def _nearest(releases: list[str], version: str) -> str:
    """The newest release not newer than `version` (the oldest when all are newer)."""
    try:
        older = [r for r in releases if version_key(r) <= version_key(version)]
    except ValueError:
        return releases[-1]
    return older[-1] if older else releases[0]


def is_unreleased_source(source: VersionSource) -> bool:
    """Code from a git checkout, a local path or another gem: it may define APIs no release has."""
    return source in (VersionSource.git, VersionSource.path, VersionSource.not_bundled)


def _from_lock(entry: LockEntry, releases: list[str], gem: str) -> tuple[str, VersionSource, str | None]:
    chosen = entry.version if entry.version in releases else _nearest(releases, entry.version)
    tagged = release_commits(gem).get(entry.revision or "") if entry.section == "GIT" else None
    if tagged is not None:  # a git pin on a release's own commit is that release
        return tagged, VersionSource.gemfile_lock, f"{entry.remote or 'git'} @{entry.revision[:7]} is release {tagged}"
    if entry.section == "GEM":
        detail = None if chosen == entry.version else f"locked {entry.version} is not a known release; using {chosen}"
        return chosen, VersionSource.gemfile_lock, detail
    if entry.section == "GIT":
        where = entry.remote or "git"
        if entry.revision:
            where += f" @{entry.revision[:7]}"
        if entry.ref:
            where += f" ({entry.ref})"
        source = VersionSource.git
    else:
        where, source = f"path {entry.remote or '?'}", VersionSource.path
    return chosen, source, f"{where}; declares {entry.version}, checked against release {chosen}"


def _constrained(releases: list[str], reqs: list[str]) -> str | None:
    try:
        return _newest(releases, reqs)
    except ValueError:
        return None


def _declared(app_root: Path, gem: str, releases: list[str]) -> tuple[str, VersionSource, str | None] | None:
    """What the app's own files say about `gem`; None when none of them names it."""
    reader = RepoReader(app_root)
    lock = reader.text("Gemfile.lock")
    if lock is not None:
        entry = lock_entry(lock, gem)
        if entry:
            return _from_lock(entry, releases, gem)
    gemfile = reader.text("Gemfile")
    line = gemfile_gem(gemfile, gem) if gemfile is not None else None
    if line is not None:
        reqs, opts = line.requirements, line.options
        text = ", ".join(reqs)
        chosen = _constrained(releases, reqs) if reqs else releases[-1]
        tag = opts.get("tag", "").lstrip("v")
        for key, source in (("github", VersionSource.git), ("git", VersionSource.git), ("path", VersionSource.path)):
            if key in opts:
                if tag in releases and source is VersionSource.git:
                    chosen, text = tag, f"tag {opts['tag']}"  # a release tag names its number
                return chosen or releases[-1], source, f"Gemfile {key}: {opts[key]} (no lock)" + (
                    f"; {text}" if text else "")
        if reqs:
            if chosen:
                return chosen, VersionSource.gemfile_constraint, text
            return releases[-1], VersionSource.newest_release, f"no known release matches {text!r}"
        if lock is not None:
            # named from the default source but never bundled: `bundle install` would pick the newest
            # release, the real gem rather than a renamed fork, so findings stay errors
            return releases[-1], VersionSource.gemfile_constraint, "Gemfile names it unconstrained; not yet in the lock"
    for spec in (e for e in reader.list_dir() if e.is_file and e.name.endswith(".gemspec")):
        reqs = gemspec_requirements(reader.text(spec.rel) or "", gem)
        if not reqs:
            continue
        text = ", ".join(reqs)
        chosen = _constrained(releases, reqs)
        if chosen:
            return chosen, VersionSource.gemspec_constraint, f"{spec.name}: {text}"
        return releases[-1], VersionSource.newest_release, f"no known release matches {spec.name}: {text!r}"
    return None


def known_override(override: str, gem: str = "ruby_llm") -> None:
    """ValueError naming the known releases when `override` is not one of them."""
    releases = available_versions(gem)
    if override not in releases:
        raise ValueError(
            f"{gem} {override!r} is not a known release; known: {releases[0]} .. {releases[-1]} "
            f"({len(releases)} releases: {', '.join(releases)})"
        )


def resolve_version(
    app_root: Path, override: str | None = None, gem: str = "ruby_llm"
) -> tuple[str, VersionSource, str | None]:
    """(release, how we know, detail) for the app at `app_root`."""
    releases = available_versions(gem)
    if override is not None:
        known_override(override, gem)
        return override, VersionSource.override, None
    declared = _declared(app_root, gem, releases)
    if declared is not None:
        return declared
    if RepoReader(app_root).is_file("Gemfile.lock"):
        return releases[-1], VersionSource.not_bundled, (
            f"Gemfile.lock bundles no {gem}: RubyLLM would come from another gem (a renamed fork?) "
            f"or is not loaded; checked against the newest release")
    return releases[-1], VersionSource.newest_release, None


def resolve_schema_version(app_root: Path) -> str | None:
    """The ruby_llm-schema release the app itself declares (lock, Gemfile or gemspec), else None.

    None means "whatever ruby_llm's own gemspec implies" (ManifestIndex's default); a declared one
    also counts before ruby_llm 1.9, when apps added the schema gem by hand.
    """
    declared = _declared(app_root, SCHEMA_GEM, available_versions(SCHEMA_GEM))
    return declared[0] if declared is not None else None
