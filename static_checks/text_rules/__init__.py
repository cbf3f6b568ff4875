"""Rules over the repository's text rather than its RubyLLM calls: they read any text file (README,
views, comments), run once per checked folder, and carry the same docs as the API rules
(static_checks.rules.base.Rule), so `grader rules`, `grader check` and SARIF show them alike.

A module of this package that defines `RULE` is one rule; its check takes a TextScope.
"""

from __future__ import annotations

import importlib
import pkgutil
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from static_checks.models import Finding
from static_checks.parsing import ParsedFile
from static_checks.rules.base import Rule
from static_checks.sources import PassReader


@dataclass
class TextScope:
    """What a text rule sees: the repo through the one safe reader, and the Ruby already parsed (so
    a rule can tell comments from strings without parsing again)."""

    base: Path
    parsed: list[ParsedFile] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.reader = PassReader(self.base)  # one pass over the tree: each folder's real path checked once
        self.by_rel = {pf.rel: pf for pf in self.parsed if pf.kind == "ruby"}


@lru_cache(maxsize=1)
def text_rules() -> tuple[Rule, ...]:
    found: dict[str, Rule] = {}
    for info in pkgutil.iter_modules(__path__):
        rule = getattr(importlib.import_module(f"{__name__}.{info.name}"), "RULE", None)
        if isinstance(rule, Rule):
            found[rule.id] = rule
    return tuple(found[i] for i in sorted(found))


def get_text_rule(rule_id: str) -> Rule | None:
    return next((r for r in text_rules() if r.id == rule_id), None)


def run_text_rules(base: Path, parsed: list[ParsedFile]) -> list[Finding]:
    scope = TextScope(Path(base), parsed)
    return [f for rule in text_rules() for f in rule.check(scope)]
