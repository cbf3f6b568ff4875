"""A calibration set: `set.yaml` (rubric, items with their repo) plus human scores in CSV.

    name: example
    synthetic: true              # scores made up for tests and docs, not human judgments
    rubric: rails-rubyllm-v2     # a bundled rubric name, or a path relative to this folder
    scores: human.csv            # default human.csv
    items:
      - id: good_app
        repo: repos/good_app     # folder or archive relative to this folder, or git URL@commit
        notes: optional text
        excerpts:                # optional: code shown as an anchored exemplar for a criterion
          - {criterion: streaming_is_real, file: app/models/chat.rb, lines: [3, 20]}

Every problem is reported with its file and line, so a user can fix them all in one pass.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from calibration.scores import HumanScore, ScoreFileError, read_human_csv

SET_FILE = "set.yaml"


@dataclass(frozen=True)
class Excerpt:
    criterion: str
    file: str
    start_line: int
    end_line: int


@dataclass(frozen=True)
class SetItem:
    id: str
    repo: str  # as written in set.yaml
    notes: str = ""
    excerpts: tuple[Excerpt, ...] = ()
    line: int = 0

    def source(self, root: Path) -> str:
        """What `grader grade` ingests: git URLs as they are, paths resolved against the set folder."""
        from grader.ingest import is_git_url

        if is_git_url(self.repo) and not (root / self.repo).exists():
            return self.repo
        return str((root / self.repo).resolve())


@dataclass
class CalibrationSet:
    root: Path
    name: str
    rubric_ref: str
    scores_file: Path
    items: list[SetItem]
    synthetic: bool = False
    warnings: list[str] = field(default_factory=list)

    def item(self, item_id: str) -> SetItem | None:
        return next((i for i in self.items if i.id == item_id), None)

    def rubric(self):
        from grader.rubric import load_rubric

        local = self.root / self.rubric_ref
        return load_rubric(local if local.is_file() else self.rubric_ref)


class SetError(ValueError):
    """Problems of a set, each `(file, line, message)`."""

    def __init__(self, problems: list[tuple[str, int | None, str]]):
        self.problems = problems
        super().__init__("\n".join(f"{f}:{line or '?'}: {msg}" for f, line, msg in problems))


def _set_path(path: str | Path) -> Path:
    path = Path(path)
    return path / SET_FILE if path.is_dir() else path


def _int_pair(value) -> tuple[int, int] | None:
    if isinstance(value, list) and len(value) == 2 and all(isinstance(v, int) and v > 0 for v in value):
        return (value[0], value[1]) if value[0] <= value[1] else None
    return None


def _parse_excerpts(raw, base: tuple, lines: dict, src: str, problems: list) -> tuple[Excerpt, ...]:
    from grader.rubric.yaml_lines import line_for

    out = []
    for k, ex in enumerate(raw or []):
        where = line_for(lines, base + (k,))
        span = _int_pair(ex.get("lines")) if isinstance(ex, dict) else None
        if not isinstance(ex, dict) or not ex.get("criterion") or not ex.get("file") or span is None:
            problems.append((src, where, "an excerpt needs criterion, file and lines: [first, last]"))
            continue
        out.append(Excerpt(str(ex["criterion"]), str(ex["file"]), span[0], span[1]))
    return tuple(out)


def _parse_items(data: dict, lines: dict, src: str, root: Path, problems: list, warnings: list) -> list[SetItem]:
    from grader.ingest import is_git_url
    from grader.rubric.yaml_lines import line_for

    raw_items = data.get("items")
    if not isinstance(raw_items, list) or not raw_items:
        problems.append((src, line_for(lines, ("items",)) or 1, "items: a non-empty list of {id, repo} is required"))
        return []
    items: list[SetItem] = []
    seen: dict[str, int | None] = {}
    for i, raw in enumerate(raw_items):
        where = line_for(lines, ("items", i))
        if not isinstance(raw, dict) or not str(raw.get("id") or "").strip():
            problems.append((src, where, "an item needs an id"))
            continue
        item_id = str(raw["id"]).strip()
        if item_id in seen:
            problems.append((src, where, f"item {item_id!r} listed twice (first on line {seen[item_id]})"))
            continue
        seen[item_id] = where
        repo = str(raw.get("repo") or "").strip()
        if not repo:
            problems.append((src, where, f"item {item_id!r} has no repo (a folder, an archive or a git URL@commit)"))
            continue
        if is_git_url(repo) and not (root / repo).exists():
            if "@" not in repo.split("://", 1)[-1] and "#" not in repo:
                warnings.append(f"{src}:{where}: item {item_id!r}: git URL without @commit; its grade may drift")
        elif not (root / repo).exists():
            problems.append((src, line_for(lines, ("items", i, "repo")),
                             f"item {item_id!r}: repo {repo!r} not found under {root}"))
        excerpts = _parse_excerpts(raw.get("excerpts"), ("items", i, "excerpts"), lines, src, problems)
        items.append(SetItem(item_id, repo, str(raw.get("notes") or ""), excerpts, where or 0))
    return items


def load_set(path: str | Path) -> CalibrationSet:
    """Read set.yaml (a folder holding it, or the file itself). Raises SetError with every problem."""
    from grader.rubric.yaml_lines import YamlSyntaxError, line_for, load_with_lines

    set_file = _set_path(path)
    src = str(set_file)
    if not set_file.is_file():
        raise SetError([(src, None, "no set.yaml here (a calibration set is a folder with set.yaml and a scores CSV)")])
    try:
        data, lines = load_with_lines(set_file.read_text(encoding="utf-8"))
    except YamlSyntaxError as exc:
        raise SetError([(src, exc.line, f"YAML syntax: {exc}")]) from None
    if not isinstance(data, dict):
        raise SetError([(src, 1, "set.yaml must be a mapping with rubric and items")])
    root = set_file.parent
    problems: list[tuple[str, int | None, str]] = []
    warnings: list[str] = []
    rubric_ref = str(data.get("rubric") or "").strip()
    if not rubric_ref:
        problems.append((src, 1, "rubric: name a bundled rubric (e.g. rails-rubyllm-v2) or a rubric file"))
    items = _parse_items(data, lines, src, root, problems, warnings)
    scores = root / str(data.get("scores") or "human.csv")
    if not scores.is_file():
        problems.append((src, line_for(lines, ("scores",)) or 1, f"scores file {scores.name} not found in {root}"))
    if problems:
        raise SetError(problems)
    return CalibrationSet(root=root, name=str(data.get("name") or root.name), rubric_ref=rubric_ref,
                          scores_file=scores, items=items, synthetic=bool(data.get("synthetic")), warnings=warnings)


def check_scores_against_rubric(rows: list[HumanScore], rubric, item_ids: set[str] | None,
                                source: str) -> list[tuple[str, int | None, str]]:
    """Unknown dimension or criterion, a criterion under the wrong dimension, a score above its max,
    an item the set does not list."""
    dims = {d.id: d for d in rubric.dimensions}
    crits = {c.id: c for c in rubric.judge_criteria}
    problems: list[tuple[str, int | None, str]] = []
    for r in rows:
        if item_ids is not None and r.item not in item_ids:
            problems.append((source, r.line, f"unknown item {r.item!r} (not listed in set.yaml)"))
        if r.dimension not in dims:
            problems.append((source, r.line, f"unknown dimension {r.dimension!r} for rubric {rubric.id} "
                                             f"(known: {', '.join(dims)})"))
            continue
        top = dims[r.dimension].max
        if r.criterion is not None:
            crit = crits.get(r.criterion)
            if crit is None:
                problems.append((source, r.line, f"unknown criterion {r.criterion!r} for rubric {rubric.id}"))
                continue
            if crit.dimension != r.dimension:
                problems.append((source, r.line, f"criterion {r.criterion!r} belongs to dimension {crit.dimension!r}, "
                                                 f"not {r.dimension!r}"))
                continue
            top = crit.points
        if r.score > top + 1e-9:
            what = f"criterion {r.criterion!r}" if r.criterion else f"dimension {r.dimension!r}"
            problems.append((source, r.line, f"score {r.score:g} above the max {top:g} of {what}"))
    return problems


def validate_set(path: str | Path) -> tuple[CalibrationSet, list[HumanScore], list[str]]:
    """Load and check a set completely. Returns (set, human rows, warnings); raises SetError."""
    from grader.rubric import RubricError

    cset = load_set(path)
    try:
        rubric = cset.rubric()
    except RubricError as exc:
        message = f"rubric {cset.rubric_ref!r}: {exc}".replace("\n", "; ")
        raise SetError([(str(_set_path(path)), None, message)]) from None
    try:
        rows = read_human_csv(cset.scores_file)
    except ScoreFileError as exc:
        raise SetError([(exc.source, line, msg) for line, msg in exc.problems]) from None
    problems = check_scores_against_rubric(rows, rubric, {i.id for i in cset.items}, str(cset.scores_file))
    crit_ids = {c.id for c in rubric.judge_criteria}
    for item in cset.items:
        for ex in item.excerpts:
            if ex.criterion not in crit_ids:
                problems.append((str(_set_path(path)), item.line,
                                 f"item {item.id!r}: excerpt for unknown criterion {ex.criterion!r}"))
    if problems:
        raise SetError(problems)
    warnings = list(cset.warnings)
    scored = {r.item for r in rows}
    unscored = [i.id for i in cset.items if i.id not in scored]
    if unscored:
        warnings.append(f"{cset.scores_file}: no human score for item(s) {', '.join(unscored)}")
    return cset, rows, warnings
