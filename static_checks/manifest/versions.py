"""Which release of a gem a graded app uses: Gemfile.lock, else the Gemfile constraint, else newest.

RubyGems requirement semantics: `~> 1.2` means >= 1.2, < 2.0; `~> 1.2.3` means >= 1.2.3, < 1.3;
a bare "1.4.0" means exactly that; several requirements must all hold.
"""

from __future__ import annotations

import re
from pathlib import Path

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


def locked_version(lock_text: str, gem: str) -> str | None:
    """`    ruby_llm (1.6.2)` under a `specs:` list (4-space indent: the gem itself, not a dependency)."""
    m = re.search(rf"^    {re.escape(gem)} \(([^)\s]+)\)\s*$", lock_text, re.M)
    return m.group(1) if m else None


def gemfile_requirements(gemfile_text: str, gem: str) -> list[str] | None:
    """Requirement strings on the `gem "ruby_llm", ...` line; [] when unconstrained, None when absent."""
    for line in gemfile_text.splitlines():
        code = line.split("#", 1)[0]
        m = re.match(rf"""^\s*gem\s*\(?\s*['"]{re.escape(gem)}['"]\s*(.*)$""", code)
        if not m:
            continue
        reqs = []
        for part in re.finditer(r"""(\w+:\s*)?['"]([^'"]*)['"]""", m.group(1)):
            if part.group(1):  # keyword option (require:, github:...)
                continue
            reqs.append(part.group(2))
        return reqs
    return None


def _newest(releases: list[str], reqs: list[str]) -> str | None:
    matching = [r for r in releases if satisfies(r, reqs)]
    return matching[-1] if matching else None


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
    lock = app_root / "Gemfile.lock"
    if lock.is_file():
        locked = locked_version(lock.read_text(errors="replace"), gem)
        if locked:
            if locked in releases:
                return locked, VersionSource.gemfile_lock, None
            older = [r for r in releases if version_key(r) <= version_key(locked)]
            chosen = older[-1] if older else releases[0]
            return chosen, VersionSource.gemfile_lock, f"locked {locked} is not a known release; using {chosen}"
    gemfile = app_root / "Gemfile"
    if gemfile.is_file():
        reqs = gemfile_requirements(gemfile.read_text(errors="replace"), gem)
        if reqs:
            text = ", ".join(reqs)
            try:
                chosen = _newest(releases, reqs)
            except ValueError:
                chosen = None
            if chosen:
                return chosen, VersionSource.gemfile_constraint, text
            return releases[-1], VersionSource.newest_release, f"no known release matches {text!r}"
    return releases[-1], VersionSource.newest_release, None
