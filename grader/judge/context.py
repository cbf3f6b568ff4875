"""The repository excerpt sent for one criterion, within a token budget: the files the facts point
at first, then files by role, then tree-sitter skeletons of the rest; lines numbered, secrets
redacted, generator names masked. Records what was sent and what was cut."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from grader.judge.repo_view import RepoView
from grader.judge.sanitize import Sanitized, clean_line, never_sent
from grader.judge.skeleton import ruby_skeleton

CHARS_PER_TOKEN = 3.0  # numbered code runs ~3.3 chars per cl100k token: estimate high so the budget holds
MAX_LINE_CHARS = 400
FULL_SHARE = 0.8  # full files may fill this share of the budget; the rest is kept for skeletons of the others

# Earlier patterns first: the files that usually decide architecture and production questions.
ROLE_ORDER = [
    r"^(?:.*/)?app/controllers/", r"^(?:.*/)?app/services/", r"^(?:.*/)?app/(?:lib|llm|clients)/",
    r"^(?:.*/)?lib/.*\.rb$",
    r"^(?:.*/)?app/jobs/", r"^(?:.*/)?app/models/", r"^(?:.*/)?app/channels/", r"^(?:.*/)?app/views/",
    r"^(?:.*/)?app/javascript/", r"^(?:.*/)?config/routes\.rb$", r"^(?:.*/)?config/initializers/",
    r"^(?:.*/)?(?:test|spec)/", r"(?:^|/)(?:Dockerfile|Containerfile)$", r"(?:^|/)(?:docker-)?compose\.ya?ml$",
    r"(?:^|/)README[^/]*$", r"(?:^|/)Gemfile$", r"^(?:.*/)?config/(?:puma|application|cable)\.rb$",
]
_ROLES = [re.compile(p) for p in ROLE_ORDER]
SKIP_ALWAYS = re.compile(r"(?:^|/)(?:Gemfile\.lock|package-lock\.json|yarn\.lock|schema\.rb|.*\.min\.js)$")


def estimate_tokens(text: str) -> int:
    return int(len(text) / CHARS_PER_TOKEN) + 1


def role_rank(rel: str) -> int:
    return next((i for i, r in enumerate(_ROLES) if r.search(rel)), len(_ROLES))


@dataclass
class ContextPack:
    text: str
    tokens: int
    sent: list[dict] = field(default_factory=list)  # {file, lines, how: full|partial|skeleton}
    cut: list[str] = field(default_factory=list)
    files_digest: list[tuple[str, str]] = field(default_factory=list)  # (file, what was sent) for the cache key


def _block(nonce: str, rel: str, header: str, body: list[str]) -> str:
    return f"<<<FILE {nonce} {rel} {header}>>>\n" + "\n".join(body) + f"\n<<<END FILE {nonce}>>>\n"


def _numbered(rel: str, lines: list[tuple[int, str]], seen: Sanitized) -> list[str]:
    return [f"{n:5d} | {clean_line(rel, text[:MAX_LINE_CHARS], seen)}" for n, text in lines]


def build_context(view: RepoView, fact_files: list[str], budget_tokens: int, nonce: str,
                  seen: Sanitized) -> ContextPack:
    """Files in priority order, each in full when it fits, else its skeleton (Ruby) or cut."""
    candidates = [f for f in view.files() if not never_sent(f) and not SKIP_ALWAYS.search(f)]
    firsts = [f for f in dict.fromkeys(fact_files) if f in set(candidates)]
    rest = sorted((f for f in candidates if f not in firsts), key=lambda f: (role_rank(f), f))
    order = firsts + rest
    pack = ContextPack(text="", tokens=0)
    parts: list[str] = []
    used = 0
    deferred: list[str] = []
    full_budget = int(budget_tokens * FULL_SHARE)
    for rel in order:
        lines = view.lines(rel)
        if lines is None:
            continue
        if not lines:
            continue
        if rel not in firsts and role_rank(rel) >= len(_ROLES):
            deferred.append(rel)
            continue
        # Sanitising counts what it masks: size the block before rendering it for real.
        if used + estimate_tokens("\n".join(lines)) > full_budget:
            deferred.append(rel)
            continue
        body = _numbered(rel, list(enumerate(lines, 1)), seen)
        block = _block(nonce, rel, f"lines 1-{len(lines)} of {len(lines)}", body)
        cost = estimate_tokens(block)
        if used + cost <= full_budget:
            parts.append(block)
            used += cost
            pack.sent.append({"file": rel, "lines": f"1-{len(lines)}", "how": "full"})
            pack.files_digest.append((rel, block))
            continue
        deferred.append(rel)
    for rel in deferred:  # second pass: skeletons of Ruby files, then whatever still fits
        lines = view.lines(rel) or []
        block = ""
        how = "full"
        if rel.endswith((".rb", ".rake")):
            skel = ruby_skeleton(lines)
            if skel:
                block = _block(nonce, rel, f"skeleton (signatures only) of {len(lines)} lines",
                               _numbered(rel, skel, seen))
                how = "skeleton"
        if not block:
            block = _block(nonce, rel, f"lines 1-{len(lines)} of {len(lines)}",
                           _numbered(rel, list(enumerate(lines, 1)), seen))
        cost = estimate_tokens(block)
        if used + cost > budget_tokens:
            pack.cut.append(rel)
            continue
        parts.append(block)
        used += cost
        pack.sent.append({"file": rel, "lines": f"1-{len(lines)}", "how": how})
        pack.files_digest.append((rel, block))
    pack.text = "".join(parts)
    pack.tokens = used
    return pack
