"""Rules over the repository's text rather than its RubyLLM calls: they read any text file (README,
views, comments), run once per checked folder, and carry the same docs as the API rules
(static_checks.rules.base.Rule), so `grader rules`, `grader check` and SARIF show them alike.

A module of this package that defines `RULE` is one rule; its check takes a TextScope.
"""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from grader.core.repo import SKIP_DIRS, Entry, is_gem_home
from static_checks.records import Finding
from static_checks.parsing import ParsedFile
from static_checks.rules.base import Rule
from static_checks.sources import PassReader


def repo_files(reader) -> Iterator[Entry]:
    """The repo's files as the rest of the check sees them: skipped folders, links and a committed
    GEM_HOME (third-party code, not graded; static_checks.sources.discover leaves it out too) are not
    entered."""
    for here, dirs, files in reader.walk():
        if here != "." and is_gem_home(dirs):
            dirs[:] = []  # told from its own listing: no look-ups into every folder from its parent
            continue
        dirs[:] = [d for d in dirs if d.name not in SKIP_DIRS and not d.is_link]
        yield from (f for f in files if f.is_file)


@dataclass
class TextScope:
    """What a text rule sees: the repo through the one safe reader, and the Ruby already parsed (so
    a rule can tell comments from strings without parsing again). `only`: the files to read, when a
    worker reads a share of the repo (static_checks/root_pool.py); None: every file of the repo.
    `read`: bytes the check read already (an ERB template's, whose parsed source is only its code), by
    rel: the same checks passed them (a regular file under the cap, not binary), so they are not read again."""

    base: Path
    parsed: list[ParsedFile] = field(default_factory=list)
    only: list[Entry] | None = None
    read: dict[str, bytes] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.reader = PassReader(self.base)  # one pass over the tree: each folder's real path checked once
        self.by_rel = {pf.rel: pf for pf in self.parsed if pf.kind == "ruby"}

    def files(self) -> Iterator[Entry]:
        return iter(self.only) if self.only is not None else repo_files(self.reader)


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


def run_text_rules(base: Path, parsed: list[ParsedFile], only: list[Entry] | None = None,
                   read: dict[str, bytes] | None = None) -> list[Finding]:
    scope = TextScope(Path(base), parsed, only, read or {})
    return [f for rule in text_rules() for f in rule.check(scope)]
