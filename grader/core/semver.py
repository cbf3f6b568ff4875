"""RubyGems versions and requirements.

`~> 1.2` means >= 1.2, < 2.0; `~> 1.2.3` means >= 1.2.3, < 1.3; a bare "1.4.0" means exactly that;
several requirements (a list, or one string with commas) must all hold. A pre-release sorts before
its release (1.1.0rc1 < 1.1.0).
"""

from __future__ import annotations

import re

_NUM = re.compile(r"^(\d+(?:\.\d+)*)(.*)$")
REQUIREMENT = re.compile(r"^\s*(~>|>=|<=|!=|=|>|<)?\s*([0-9][0-9A-Za-z.\-]*)\s*$")

VersionKey = tuple[tuple[int, ...], int, str]


def version_key(v: str) -> VersionKey:
    """Sort key: 1.10.0 > 1.9.2 and 1.1.0rc1 < 1.1.0. ValueError for what is not a version."""
    m = _NUM.match(v.strip().lstrip("v"))
    if not m:
        raise ValueError(f"not a version: {v!r}")
    nums = tuple(int(x) for x in m.group(1).split("."))
    nums = nums + (0,) * (4 - len(nums)) if len(nums) < 4 else nums
    pre = m.group(2).lstrip(".-")
    return (nums, 0 if pre else 1, pre)


def parse_requirement(req: str) -> tuple[str, str]:
    """(operator, version) of one requirement; "=" when none is written."""
    m = REQUIREMENT.match(req)
    if not m:
        raise ValueError(f"not a version requirement: {req!r}")
    return m.group(1) or "=", m.group(2)


def _pessimistic_upper(ref: str) -> VersionKey:
    m = _NUM.match(ref.strip().lstrip("v"))
    if not m:
        raise ValueError(f"not a version: {ref!r}")
    parts = [int(x) for x in m.group(1).split(".")]
    upper = parts[:-1] if len(parts) > 1 else parts
    upper = upper[:-1] + [upper[-1] + 1]
    return version_key(".".join(map(str, upper)))


def satisfies(version: str, requirements: list[str]) -> bool:
    """Whether `version` meets every requirement (each may hold several, comma-separated)."""
    vk = version_key(version)
    for chunk in requirements:
        for req in chunk.split(","):
            if not req.strip():
                continue
            op, ref = parse_requirement(req)
            rk = version_key(ref)
            if op == "~>":
                if not (rk <= vk < _pessimistic_upper(ref)):
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
