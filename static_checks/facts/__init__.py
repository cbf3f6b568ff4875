"""Rubric-relevant facts about a repository, each with evidence file:line and the rule behind it.

Entry point: `collect_facts(base, parsed, findings, roots)`, which reuses the engine's parse
(`static_checks.engine.check_path(path, with_facts=True)` runs both). Every module of this package
that registers a collector with `@collector(ids=[...])` is one fact family; the ids, types and
meanings are data in catalog.yaml, and a test keeps the two in step.
"""

from static_checks.facts.registry import catalog, collect_facts, collectors

__all__ = ["catalog", "collect_facts", "collectors"]
