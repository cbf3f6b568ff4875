"""Rubrics as data: load by name from rubric/ or from a file path, validate, explain errors by line."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from pydantic import ValidationError

from grader.rubric.schema import (
    Bonus, Deduction, Dimension, GoalCheck, JudgeCriterion, Rubric, Tier, consistency_problems,
)
from grader.rubric.yaml_lines import YamlSyntaxError, line_for, load_with_lines

__all__ = [
    "Bonus", "Deduction", "Dimension", "GoalCheck", "JudgeCriterion", "Rubric", "Tier",
    "RubricError", "load_rubric", "rubric_dir", "available_rubrics", "parse_rubric",
]


class RubricError(ValueError):
    """A rubric that cannot be used, with every problem located by YAML line."""

    def __init__(self, source: str, problems: list[tuple[int | None, str]]):
        self.source = source
        self.problems = problems
        lines = [f"{source}:{line or '?'}: {msg}" for line, msg in problems]
        super().__init__("invalid rubric\n" + "\n".join(lines))


def rubric_dir() -> Path:
    """rubric/ in a source checkout, or the copy packaged into the wheel."""
    here = Path(__file__).resolve().parent
    for candidate in (here.parent.parent / "rubric", here.parent / "_data" / "rubric"):
        if candidate.is_dir():
            return candidate
    return here.parent.parent / "rubric"


def available_rubrics() -> list[str]:
    return sorted(p.stem for p in rubric_dir().glob("*.yaml"))


def _loc_text(loc: tuple) -> str:
    return ".".join(str(p) for p in loc)


def parse_rubric(text: str, source: str = "<rubric>") -> Rubric:
    try:
        data, lines = load_with_lines(text)
    except YamlSyntaxError as exc:
        raise RubricError(source, [(exc.line, f"YAML syntax: {exc}")]) from exc
    if not isinstance(data, dict):
        raise RubricError(source, [(1, "a rubric is a YAML mapping (id, title, dimensions, tiers, ...)")])
    try:
        rubric = Rubric.model_validate(data, context={"defer_consistency": True})
    except ValidationError as exc:
        problems = []
        for err in exc.errors():
            path = _data_path(data, tuple(err["loc"]))
            msg = err["msg"].removeprefix("Value error, ")
            problems.append((line_for(lines, path), f"{_loc_text(path) or '(top)'}: {msg}"))
        raise RubricError(source, problems) from exc
    located = consistency_problems(rubric)
    if located:
        raise RubricError(source, [(line_for(lines, path), f"{_loc_text(path)}: {msg}") for path, msg in located])
    return rubric


def _data_path(data: object, loc: tuple) -> tuple:
    """Follow a pydantic error location through the data, skipping union tags it added."""
    out: list = []
    cur = data
    for part in loc:
        if isinstance(cur, dict) and part in cur:
            out.append(part)
            cur = cur[part]
        elif isinstance(cur, dict) and part == "in_" and "in" in cur:
            out.append("in")
            cur = cur["in"]
        elif isinstance(cur, list) and isinstance(part, int) and 0 <= part < len(cur):
            out.append(part)
            cur = cur[part]
        # else: a tag such as 'fact' or 'function-after[...]': not in the data
    return tuple(out)


def load_rubric(name_or_path: str | Path) -> Rubric:
    """A rubric by name (rubric/<name>.yaml) or by file path."""
    path = Path(name_or_path)
    if not path.is_file():
        named = rubric_dir() / f"{name_or_path}.yaml"
        if not named.is_file():
            known = ", ".join(available_rubrics()) or "none"
            message = f"no rubric file or named rubric {str(name_or_path)!r} (named rubrics: {known})"
            raise RubricError(str(name_or_path), [(None, message)])
        path = named
    return _load_file(str(path.resolve()), path.stat().st_mtime_ns)


@lru_cache(maxsize=32)
def _load_file(path: str, _mtime: int) -> Rubric:
    try:
        text = Path(path).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise RubricError(path, [(None, f"cannot read: {exc}")]) from exc
    return parse_rubric(text, source=path)
