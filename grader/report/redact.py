"""Keep secrets out of reports: API-key shapes are masked everywhere, and environment files
show variable names only. Reports are shared; a committed key must not travel further."""

from __future__ import annotations

import re
from typing import Any

from static_checks.facts.secrets import KEY_SHAPE, is_env_file, mask

_ENV_ASSIGN = re.compile(r"^(\s*(?:export\s+)?[A-Za-z_][A-Za-z0-9_]*\s*[=:]).*$")


def redact(text: str, file: str | None = None) -> str:
    if file and is_env_file(file):
        return "\n".join(_ENV_ASSIGN.sub(r"\1****", line) if _ENV_ASSIGN.match(line) else "****"
                         for line in text.split("\n"))
    return KEY_SHAPE.sub(lambda m: mask(m.group(0)), text)


def redact_finding(finding: dict[str, Any]) -> dict[str, Any]:
    out = dict(finding)
    for key in ("snippet", "message", "evidence", "hint"):
        if isinstance(out.get(key), str):
            out[key] = redact(out[key], out.get("file"))
    return out
