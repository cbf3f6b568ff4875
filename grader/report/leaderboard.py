"""Leaderboard of a grade-many run: CSV, Markdown and a self-contained HTML page (a heat map of the
dimensions, columns sortable by a few lines of inline script, and an SVG chart of every dimension
across the runs); nothing is fetched from elsewhere."""

from __future__ import annotations

import csv
import io
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import quote

from pydantic import BaseModel, Field

from grader.report.escape import csv_cell, md_text

if TYPE_CHECKING:
    from grader.report.model import GradeReport


class LeaderDim(BaseModel):
    """One dimension of one run: earned (worst case) and pending points."""

    id: str
    score: float
    max: float
    pending_points: float = 0.0


class DimHead(BaseModel):
    id: str
    title: str
    max: float


class LeaderRow(BaseModel):
    name: str
    source: str
    total: float | None = None
    max_total: float | None = None
    pending_points: float | None = None
    tier: str | None = None
    tier_provisional: bool = False
    tier_best_case: str | None = None
    report_dir: str | None = None
    check_ok: bool | None = None
    stage_problems: list[str] = Field(default_factory=list)
    error: str | None = None  # the repo could not be graded
    rank: int | None = None
    dimensions: list[LeaderDim] = Field(default_factory=list)
    findings: dict[str, int] = Field(default_factory=dict)  # severity -> count of static findings
    invented_calls: int | None = None  # calls to RubyLLM API the locked gem does not have

    def dim(self, dim_id: str) -> LeaderDim | None:
        return next((d for d in self.dimensions if d.id == dim_id), None)


class Leaderboard(BaseModel):
    rubric: str
    rubric_title: str
    max_total: float
    tie_gap: float = 0
    rows: list[LeaderRow]
    dimensions: list[DimHead] = Field(default_factory=list)  # the rubric's, in its order

    def sort(self) -> None:
        """By earned points, then fewer pending; failures last, by name. A row ties with the first row
        of its rank when within tie_gap of it (the rubric's stated noise); measuring from the row just
        above instead would chain 80, 79, 78, ... into one tie however far the ends are apart."""
        graded = sorted((r for r in self.rows if r.error is None),
                        key=lambda r: (-(r.total or 0), r.pending_points or 0, r.name))
        failed = sorted((r for r in self.rows if r.error is not None), key=lambda r: r.name)
        head = None  # first row of the current rank
        for i, r in enumerate(graded, 1):
            if head is not None and abs((head.total or 0) - (r.total or 0)) <= self.tie_gap:
                r.rank = head.rank
            else:
                r.rank = i
                head = r
        self.rows = graded + failed


def row_from_report(report: GradeReport, name: str, source: str) -> LeaderRow:
    """A leaderboard row from a finished grade; every stage that did not run in full is named in its notes."""
    counts: dict[str, int] = {}
    for f in report.findings:
        counts[f.severity.value] = counts.get(f.severity.value, 0) + 1
    return LeaderRow(
        name=name, source=source, total=report.total, max_total=report.max_total, pending_points=report.pending_points,
        tier=report.tier, tier_provisional=report.tier_provisional, tier_best_case=report.tier_best_case,
        report_dir=name, check_ok=report.arithmetic_check.ok,
        stage_problems=[f"{s.name} {s.status}" for s in report.stages if s.status != "ok"],
        dimensions=[LeaderDim(id=d.id, score=d.score, max=d.max, pending_points=d.pending_points)
                    for d in report.dimensions],
        findings=counts,
        invented_calls=sum(1 for f in report.findings if f.category.value == "api-hallucination"),
    )


COLUMNS = ("rank", "name", "total", "max_total", "pending_points", "tier", "tier_provisional", "tier_best_case",
           "error", "stage_problems", "report_dir", "source")
SEVERITIES = ("error", "warning", "info")


def to_csv(board: Leaderboard) -> str:
    """The columns of earlier versions first (readers index them), then per-dimension scores and finding counts."""
    buf = io.StringIO()
    writer = csv.writer(buf)
    dims = [h.id for h in board.dimensions]
    writer.writerow([*COLUMNS, *(f"dim:{d}" for d in dims), *(f"pending:{d}" for d in dims),
                     *(f"findings_{s}" for s in SEVERITIES), "invented_calls"])
    for r in board.rows:
        d = r.model_dump()
        d["stage_problems"] = "; ".join(r.stage_problems)
        cells = ["" if d[c] is None else d[c] for c in COLUMNS]
        got = [r.dim(i) for i in dims]
        cells += ["" if g is None else g.score for g in got] + ["" if g is None else g.pending_points for g in got]
        cells += ["" if r.error else r.findings.get(s, 0) for s in SEVERITIES]
        cells.append("" if r.invented_calls is None else r.invented_calls)
        writer.writerow([csv_cell(c) for c in cells])
    return buf.getvalue()


def _md(text: object) -> str:
    return md_text(text)


def _dim_cell(r: LeaderRow, dim_id: str) -> str:
    got = r.dim(dim_id)
    if got is None:
        return "-"
    return f"{got.score:g}" + (f" +{got.pending_points:g}" if got.pending_points else "")


def _findings_cell(r: LeaderRow) -> str:
    text = f"{r.findings.get('error', 0)} E / {r.findings.get('warning', 0)} W"
    return text + (f", {r.invented_calls} invented" if r.invented_calls else "")


def to_markdown(board: Leaderboard) -> str:
    dims = board.dimensions
    head = "| rank | repo | score | pending | tier | " + "".join(f"{_md(h.id)} /{h.max:g} | " for h in dims)
    out = [f"# Leaderboard: {_md(board.rubric)}", "",
           f"{_md(board.rubric_title)}. Scores are earned points; pending points await "
           f"stages that did not run (judge, runtime). Gaps of {board.tie_gap:g} point or less are ties. "
           "A provisional tier can still change with the pending points.", "",
           head + "findings | notes |", "|---:|---|---:|---:|---|" + "---:|" * len(dims) + "---|---|"]
    for r in board.rows:
        if r.error:
            out.append(f"| - | {_md(r.name)} | - | - | - | " + "- | " * len(dims)
                       + f"- | **not graded**: {_md(r.error)} |")
            continue
        # "up to" only when the pending points could still lift the tier.
        tier = _md(r.tier) + (f" (provisional, up to {r.tier_best_case})"
                              if r.tier_provisional and r.tier_best_case != r.tier else "")
        notes = "; ".join(r.stage_problems + ([] if r.check_ok else ["arithmetic self-check failed"]))
        link = f"[{_md(r.name)}](<{quote(r.report_dir)}/report.md>)" if r.report_dir else _md(r.name)
        dim_cells = "".join(f"{_dim_cell(r, h.id)} | " for h in dims)
        out.append(f"| {r.rank} | {link} | {r.total:g}/{r.max_total:g} | {r.pending_points:g} | {tier} "
                   f"| {dim_cells}{_findings_cell(r)} | {_md(notes)} |")
    return "\n".join(out) + "\n"


def heat(score: float, pending: float, top: float) -> str:
    """Background of a heat-map cell: red (nothing earned) through amber to green (all earned)."""
    ratio = max(0.0, min(1.0, score / top)) if top else 0.0
    return f"hsl({round(120 * ratio)}, 62%, {round(86 - 10 * ratio)}%)"


def to_html(board: Leaderboard) -> str:
    from grader.report.chart import dimension_chart
    from grader.report.render import _env, pct

    return _env().get_template("leaderboard.html.j2").render(b=board, pct=pct, heat=heat,
                                                             chart=dimension_chart(board))


def write_leaderboard(board: Leaderboard, out_dir: Path) -> None:
    """Each file via a temp file + rename (grader.report.output): whole or not at all."""
    from grader.report.output import write_atomic

    write_atomic(out_dir / "leaderboard.csv", to_csv(board))
    write_atomic(out_dir / "leaderboard.md", to_markdown(board))
    write_atomic(out_dir / "leaderboard.html", to_html(board))
    write_atomic(out_dir / "leaderboard.json", board.model_dump_json(indent=2))
