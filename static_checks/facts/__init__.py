"""Rubric-relevant facts about a repository, each with evidence file:line and the rule behind it.

Entry points: `collect_facts(base, parsed, findings, roots)` (reuses the engine's parse) and
`collect_for_path(path)`. The ids are catalogued in catalog.yaml.
"""

from static_checks.facts.registry import catalog, collect_facts, collect_for_path, collectors

__all__ = ["catalog", "collect_facts", "collect_for_path", "collectors"]
