"""Keep secrets out of reports: API-key shapes are masked everywhere, and environment files
show variable names only. Reports are shared; a committed key must not travel further.

The key shapes live here, not in a fact collector, so every stage (facts, reports, the judge's
excerpts) masks the same way.
"""

from __future__ import annotations

import re
from typing import Any

# Provider key shapes: OpenRouter, Anthropic, OpenAI project and legacy keys.
KEY_PREFIX = r"sk-(?:or-v1-|or-|ant-api\d\d-|ant-|proj-|svcacct-)?"
KEY_SHAPE = re.compile(r"(?<![A-Za-z0-9_-])" + KEY_PREFIX + r"[A-Za-z0-9_-]{20,}")
# `.env.example` and friends hold placeholders by convention; they are shown as written.
ENV_SAFE_SUFFIXES = (".example", ".sample", ".template", ".dist", ".defaults", ".tmpl", ".test")
_KEY_PREFIX = re.compile(KEY_PREFIX)
_ENV_ASSIGN = re.compile(r"^(\s*(?:export\s+)?[A-Za-z_][A-Za-z0-9_]*\s*[=:]).*$")


def mask(candidate: str) -> str:
    """`sk-or-v1-****(73 chars)`: the provider prefix and the length, never the secret."""
    m = _KEY_PREFIX.match(candidate)
    return f"{m.group(0) if m else ''}****({len(candidate)} chars)"


def is_env_file(rel: str) -> bool:
    name = rel.rsplit("/", 1)[-1]
    return (name == ".env" or name.startswith(".env.")) and not name.endswith(ENV_SAFE_SUFFIXES)


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
