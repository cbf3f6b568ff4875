"""Which release of a gem a graded app uses.

Order: Gemfile.lock > the Gemfile's constraint > the gem's own *.gemspec dependency > newest release.
A lock entry under a GIT or PATH section (or a Gemfile `github:`/`git:`/`path:` option) is code that
may be ahead of every release: it is reported as VersionSource.git / .path and checked against the
nearest release not newer than the version it declares.

RubyGems requirement semantics: `~> 1.2` means >= 1.2, < 2.0; `~> 1.2.3` means >= 1.2.3, < 1.3;
a bare "1.4.0" means exactly that; several requirements must all hold.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from grader.core.repo import RepoReader
from static_checks.models import VersionSource

_NUM = re.compile(r"^(\d+(?:\.\d+)*)(.*)$")
_REQ = re.compile(r"^\s*(~>|>=|<=|!=|=|>|<)?\s*([0-9][0-9A-Za-z.\-]*)\s*$")


def version_key(v: str) -> tuple:
    """Sort key: 1.10.0 > 1.9.2 and 1.1.0rc1 < 1.1.0."""
    m = _NUM.match(v.strip().lstrip("v"))
    if not m:
        raise ValueError(f"not a version: {v!r}")
    nums = tuple(int(x) for x in m.group(1).split("."))
    nums = nums + (0,) * (4 - len(nums)) if len(nums) < 4 else nums
    pre = m.group(2).lstrip(".-")
    return (nums, 0 if pre else 1, pre)


def _parse_one(req: str) -> tuple[str, str]:
    m = _REQ.match(req)
    if not m:
        raise ValueError(f"not a version requirement: {req!r}")
    return m.group(1) or "=", m.group(2)


def satisfies(version: str, requirements: list[str]) -> bool:
    """Whether `version` meets every requirement (each may hold several, comma-separated)."""
    vk = version_key(version)
    for chunk in requirements:
        for req in chunk.split(","):
            if not req.strip():
                continue
            op, ref = _parse_one(req)
            rk = version_key(ref)
            if op == "~>":
                parts = [int(x) for x in _NUM.match(ref).group(1).split(".")]  # type: ignore[union-attr]
                upper = parts[:-1] if len(parts) > 1 else parts
                upper = upper[:-1] + [upper[-1] + 1]
                if not (vk >= rk and vk < version_key(".".join(map(str, upper)))):
                    return False
            elif not {
                "=": vk == rk,
                "!=": vk != rk,
                ">": vk > rk,
                "<": vk < rk,
                ">=": vk >= rk,
                "<=": vk <= rk,
            }[op]:
                return False
    return True


@dataclass(frozen=True)
class LockEntry:
    """One gem's line in a Gemfile.lock `specs:` list and the section it sits in."""

    version: str
    section: str  # "GEM", "GIT" or "PATH"
    remote: str | None = None  # git URL, or the folder for PATH
    revision: str | None = None
    ref: str | None = None  # branch, tag or ref when the Gemfile named one


_LOCK_SOURCES = ("GEM", "GIT", "PATH")


def lock_entry(lock_text: str, gem: str) -> LockEntry | None:
    """`    ruby_llm (1.6.2)` under a source's `specs:` list (4-space indent: the gem itself, not a dependency)."""
    section, opts, in_specs = "", {}, False
    spec = re.compile(rf"^    {re.escape(gem)} \(([^)\s]+)\)\s*$")
    for line in lock_text.splitlines():
        if line[:1] and not line[:1].isspace():
            section, opts, in_specs = line.strip(), {}, False
            continue
        if section not in _LOCK_SOURCES:
            continue
        opt = re.match(r"^  ([a-z_]+):\s*(.*?)\s*$", line)
        if opt:
            in_specs = opt.group(1) == "specs"
            opts[opt.group(1)] = opt.group(2)
            continue
        m = spec.match(line)
        if m and in_specs:
            ref = opts.get("branch") or opts.get("tag") or opts.get("ref")
            return LockEntry(m.group(1), section, opts.get("remote"), opts.get("revision"), ref)
    return None


def locked_version(lock_text: str, gem: str) -> str | None:
    entry = lock_entry(lock_text, gem)
    return entry.version if entry else None


_OPTION = re.compile(r"""(?::(\w+)\s*=>\s*|(\w+):\s*)?['"]([^'"]*)['"]""")


def _gem_line(gemfile_text: str, gem: str) -> tuple[list[str], dict[str, str]] | None:
    """(requirement strings, keyword options) of the `gem "ruby_llm", ...` line, None when absent."""
    for line in gemfile_text.splitlines():
        code = line.split("#", 1)[0]
        m = re.match(rf"""^\s*gem\s*\(?\s*['"]{re.escape(gem)}['"]\s*(.*)$""", code)
        if not m:
            continue
        reqs, opts = [], {}
        for part in _OPTION.finditer(m.group(1)):
            key = part.group(1) or part.group(2)
            if key:  # keyword option (require:, github:, path: ...)
                opts[key] = part.group(3)
            else:
                reqs.append(part.group(3))
        return reqs, opts
    return None


def gemfile_requirements(gemfile_text: str, gem: str) -> list[str] | None:
    """Requirement strings on the `gem "ruby_llm", ...` line; [] when unconstrained, None when absent."""
    line = _gem_line(gemfile_text, gem)
    return line[0] if line else None


def gemspec_requirements(gemspec_text: str, gem: str) -> list[str] | None:
    """Requirements from `add_dependency "ruby_llm", "~> 1.3"` lines (runtime or development); None when absent.

    Interpolated strings (`"~> #{VERSION}"`) cannot be read and are left out.
    """
    found: list[str] | None = None
    dep = re.compile(rf"""\.add_(?:runtime_|development_)?dependency\s*\(?\s*['"]{re.escape(gem)}['"]\s*(.*)$""")
    for line in gemspec_text.splitlines():
        m = None if line.lstrip().startswith("#") else dep.search(line)
        if not m:
            continue
        found = found if found is not None else []
        for part in re.finditer(r"""['"]([^'"]*)['"]""", m.group(1)):
            if "#{" not in part.group(1) and _REQ.match(part.group(1).split(",")[0]):
                found.append(part.group(1))
    return found


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
    from static_checks.manifest.index import release_commits

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
    line = _gem_line(gemfile, gem) if gemfile is not None else None
    if line is not None:
        reqs, opts = line
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


def resolve_version(
    app_root: Path, override: str | None = None, gem: str = "ruby_llm"
) -> tuple[str, VersionSource, str | None]:
    """(release, how we know, detail) for the app at `app_root`."""
    from static_checks.manifest.index import available_versions

    releases = available_versions(gem)
    if override is not None:
        if override not in releases:
            raise ValueError(
                f"{gem} {override!r} is not a known release; known: {releases[0]} .. {releases[-1]} "
                f"({len(releases)} releases: {', '.join(releases)})"
            )
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
    from static_checks.manifest.index import SCHEMA_GEM, available_versions

    declared = _declared(app_root, SCHEMA_GEM, available_versions(SCHEMA_GEM))
    return declared[0] if declared is not None else None
