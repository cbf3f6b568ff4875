"""Small builders for scoring tests: facts with evidence, rubrics from YAML text."""

from __future__ import annotations

from static_checks.models import Evidence, Fact

from grader.rubric import parse_rubric


# One dimension `d` (max 10) with each kind of deduction: points, per-count, cap and floor.
SAMPLE_DEDUCTIONS = """\
deductions:
  - {id: p3, dimension: d, points: 3, reason: three, when: {fact: x.a, equals: true}}
  - {id: p4, dimension: d, points: 4, reason: four, when: {fact: x.b, equals: true}}
  - {id: per1, dimension: d, points: 1, per: x.n, max_points: 3, reason: each, when: {fact: x.n, gt: 0}}
  - {id: cap6, dimension: d, cap: 6, reason: capped, when: {fact: x.c, equals: true}}
  - {id: fl5, dimension: d, floor: 5, reason: floor, when: {fact: x.f, equals: true}}
"""


def fact(fid: str, value, file: str | None = None, line: int = 1) -> Fact:
    ev = [Evidence(file=file, line=line)] if file else []
    return Fact(id=fid, value=value, rule="test", evidence=ev)


def rubric(body: str, dims: str = "  - {id: d, title: D, max: 10}\n", tiers: str | None = None):
    tiers = tiers or "  - {name: A, min: 8}\n  - {name: B, min: 5}\n  - {name: C, min: 0}\n"
    text = f"schema_version: 1\nid: t\ntitle: T\ndimensions:\n{dims}tiers:\n{tiers}{body}"
    return parse_rubric(text, "t.yaml")


# --- fixture apps, graded through the real pipeline (static + facts + self-review + scoring) ---

import importlib.util  # noqa: E402
import sys  # noqa: E402
from pathlib import Path  # noqa: E402

APPS = Path(__file__).resolve().parents[1] / "fixtures" / "apps"


def fixture_apps():
    """The fixture builder module (tests/fixtures/apps/fixture_apps.py), loaded once."""
    mod = sys.modules.get("fixture_apps")
    if mod is None:
        spec = importlib.util.spec_from_file_location("fixture_apps", APPS / "fixture_apps.py")
        mod = importlib.util.module_from_spec(spec)
        sys.modules["fixture_apps"] = mod
        spec.loader.exec_module(mod)
    return mod


class Grader:
    """Materialize fixture apps under one folder and grade each (rubric, app) once, without runtime."""

    def __init__(self, root: Path):
        self.root = root
        self.repos: dict[str, Path] = {}
        self.reports: dict[tuple[str, str], object] = {}

    def repo(self, name: str) -> Path:
        if name not in self.repos:
            self.repos[name] = fixture_apps().materialize(name, self.root)
        return self.repos[name]

    def grade(self, name: str, rubric: str = "rails-rubyllm-v1"):
        from grader.pipeline import GradeOptions, grade_path

        key = (name, rubric)
        if key not in self.reports:
            self.reports[key] = grade_path(self.repo(name), rubric, GradeOptions(runtime=False, judge=False))
        return self.reports[key]
