"""Committed .env files and API-key-shaped strings, reported masked (never the secret itself)."""

from __future__ import annotations

import math
import re
from collections import Counter

# Key shapes, masking and env-file names are the kernel's (reports mask with the same rules).
from grader.core.redact import ENV_SAFE_SUFFIXES as ENV_SAFE_SUFFIXES
from grader.core.redact import KEY_SHAPE, is_env_file, mask
from static_checks.facts.context import FactContext, fact
from static_checks.facts.registry import collector

PLACEHOLDER_WORDS = ("your", "xxxx", "example", "placeholder", "here", "dummy", "fake", "test", "sample",
                     "changeme", "change-me", "redacted", "invalid", "secret", "key")
MIN_ENTROPY_BITS = 3.0  # per character of the random part; real keys are around 4-6
MAX_SCAN_BYTES = 512_000


def _entropy(s: str) -> float:
    counts = Counter(s)
    return -sum(c / len(s) * math.log2(c / len(s)) for c in counts.values())


def looks_real(candidate: str) -> bool:
    body = re.sub(r"^sk-(?:or-v1-|or-|ant-api\d\d-|ant-|proj-|svcacct-)?", "", candidate)
    low = candidate.lower()
    if any(w in low for w in PLACEHOLDER_WORDS):
        return False
    return len(body) >= 20 and _entropy(body) >= MIN_ENTROPY_BITS


@collector(ids=["secrets.env_committed", "secrets.key_strings", "secrets.committed"])
def secrets(ctx: FactContext):
    env_files = [rel for rel in ctx.all_files if is_env_file(rel)]
    env_ev = [ctx.ev_text(rel, 1, "(committed environment file)") for rel in env_files]
    hits = []
    for rel in ctx.all_files:
        text = ctx.read_text(rel, max_bytes=MAX_SCAN_BYTES)
        if not text or "sk-" not in text:
            continue
        for n, line in enumerate(text.splitlines(), 1):
            for m in KEY_SHAPE.finditer(line):
                if looks_real(m.group(0)):
                    masked_line = KEY_SHAPE.sub(lambda k: mask(k.group(0)), line)
                    hits.append(ctx.ev_text(rel, n, masked_line))
    return [
        fact("secrets.env_committed", bool(env_files), "facts/secrets/env-file", env_ev),
        fact("secrets.key_strings", len(hits), "facts/secrets/key-shapes", hits[:20],
             "values masked; placeholders and low-entropy strings ignored"),
        fact("secrets.committed", bool(env_files or hits), "facts/secrets/any", (env_ev + hits)[:20]),
    ]
