"""Small builders for scoring tests: facts with evidence, rubrics from YAML text."""

from __future__ import annotations

from static_checks.models import Evidence, Fact

from grader.rubric import parse_rubric


def fact(fid: str, value, file: str | None = None, line: int = 1) -> Fact:
    ev = [Evidence(file=file, line=line)] if file else []
    return Fact(id=fid, value=value, rule="test", evidence=ev)


def rubric(body: str, dims: str = "  - {id: d, title: D, max: 10}\n", tiers: str | None = None):
    tiers = tiers or "  - {name: A, min: 8}\n  - {name: B, min: 5}\n  - {name: C, min: 0}\n"
    text = f"schema_version: 1\nid: t\ntitle: T\ndimensions:\n{dims}tiers:\n{tiers}{body}"
    return parse_rubric(text, "t.yaml")
