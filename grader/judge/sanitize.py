"""What is done to repository text before it leaves the machine: committed secrets are redacted
(the same redaction the reports apply) and, in prose, the names of the model or harness that wrote
the code are masked so the judge does not favour its own family."""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field

from grader.core.redact import KEY_SHAPE, is_env_file, redact

MASK = "[masked]"
NEVER_SENT = ("config/master.key", "config/credentials.yml.enc")  # encrypted credentials and their key
PROSE_SUFFIXES = (".md", ".markdown", ".txt", ".rdoc")
PROSE_NAMES = ("README", "CLAUDE.md", "AGENTS.md", "GEMINI.md", ".cursorrules", "COMMIT_EDITMSG")

# Generator names -> model family. Only whole words; in prose only (in code a model slug is functional).
_IDENTITY = [
    (re.compile(r"(?i)\bclaude(?:[- ]code)?(?:[- ](?:opus|sonnet|haiku))?(?:[- ]\d(?:[.-]\d)?)?\b"), "anthropic"),
    (re.compile(r"(?i)\banthropic\b"), "anthropic"),
    (re.compile(r"(?i)\b(?:gpt-?\d[\w.-]*|chatgpt|openai codex|codex(?: cli)?|o[134](?:-mini)?)\b"), "openai"),
    (re.compile(r"(?i)\bgemini(?:[- ]cli)?(?:[- ]\d[\w.-]*)?\b"), "google"),
    (re.compile(r"(?i)\b(?:cursor|copilot|aider|devin|windsurf|cline|roo ?code|opencode|amp code)\b"), "harness"),
    (re.compile(r"(?i)\b(?:deepseek|qwen|kimi|grok|mistral|llama)[\w.-]*\b"), "other"),
]
# A name counts as the generator's only in such a phrase, or in the agent's own instruction file.
_GENERATOR_CONTEXT = re.compile(
    r"(?i)(generated|written|built|created|authored|made|coded)\s+(with|by|using)|co-authored-by")
AGENT_FILES = {"CLAUDE.md": "anthropic", "GEMINI.md": "google"}


@dataclass
class Sanitized:
    redactions: Counter = field(default_factory=Counter)  # file -> secrets redacted
    identity_masks: Counter = field(default_factory=Counter)  # file -> names masked
    generator_families: set[str] = field(default_factory=set)
    generator_names: set[str] = field(default_factory=set)


def is_prose(rel: str) -> bool:
    name = rel.rsplit("/", 1)[-1]
    return name.startswith(PROSE_NAMES) or name.lower().endswith(PROSE_SUFFIXES)


def never_sent(rel: str) -> bool:
    return rel in NEVER_SENT or rel.endswith(("/master.key", ".key", ".pem"))


def clean_line(rel: str, line: str, seen: Sanitized) -> str:
    """One line as it may be sent: secrets redacted, generator names masked in prose."""
    out = redact(line, rel)
    if out != line:
        seen.redactions[rel] += max(1, len(KEY_SHAPE.findall(line))) if not is_env_file(rel) else 1
    if is_prose(rel):
        out = _mask_identity(rel, out, seen)
    return out


def _mask_identity(rel: str, text: str, seen: Sanitized) -> str:
    names_generator = bool(_GENERATOR_CONTEXT.search(text))
    agent_family = AGENT_FILES.get(rel.rsplit("/", 1)[-1])
    if agent_family:
        seen.generator_families.add(agent_family)
    for pattern, family in _IDENTITY:
        def sub(m: re.Match, family: str = family) -> str:
            seen.identity_masks[rel] += 1
            if names_generator:
                seen.generator_names.add(m.group(0))
                if family not in ("harness", "other"):
                    seen.generator_families.add(family)
            return MASK
        text = pattern.sub(sub, text)
    return text


def note_generator_text(text: str, seen: Sanitized) -> None:
    """Record the generator named in text that is not sent (a commit trailer): families only."""
    scratch = Sanitized()
    _mask_identity("(commit trailer)", text, scratch)
    seen.generator_families |= scratch.generator_families
    seen.generator_names |= scratch.generator_names


def model_family(model: str) -> str | None:
    """The family of a judge model string such as `openai/gpt-4.1-mini` or `anthropic/claude-...`."""
    low = model.lower()
    if "claude" in low or low.startswith(("anthropic/", "bedrock/anthropic")):
        return "anthropic"
    if "gemini" in low or low.startswith(("gemini/", "vertex_ai/")):
        return "google"
    if re.search(r"(^|/)(gpt|o\d|chatgpt|codex)", low):
        return "openai"
    return None


def same_family_warnings(models: list[str], seen: Sanitized) -> list[str]:
    out = []
    for model in models:
        fam = model_family(model)
        if fam and fam in seen.generator_families:
            out.append(f"judge model {model} is of the {fam} family, which the repo names as its generator: "
                       "self-preference bias is possible; prefer a judge of another family")
    return out
