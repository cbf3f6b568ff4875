"""Leaderboard of a grade-many run: CSV, Markdown and a self-contained HTML page."""

from __future__ import annotations

import csv
import io
from pathlib import Path

from urllib.parse import quote

from pydantic import BaseModel, Field

from grader.report.escape import csv_cell, md_text


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


class Leaderboard(BaseModel):
    rubric: str
    rubric_title: str
    max_total: float
    tie_gap: float = 0
    rows: list[LeaderRow]

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


COLUMNS = ("rank", "name", "total", "max_total", "pending_points", "tier", "tier_provisional", "tier_best_case",
           "error", "stage_problems", "report_dir", "source")


def to_csv(board: Leaderboard) -> str:
    buf = io.StringIO()
    writer = csv.writer(buf)
    writer.writerow(COLUMNS)
    for r in board.rows:
        d = r.model_dump()
        d["stage_problems"] = "; ".join(r.stage_problems)
        writer.writerow([csv_cell("" if d[c] is None else d[c]) for c in COLUMNS])
    return buf.getvalue()


def _md(text: object) -> str:
    return md_text(text)


def to_markdown(board: Leaderboard) -> str:
    out = [f"# Leaderboard: {_md(board.rubric)}", "",
           f"{_md(board.rubric_title)}. Scores are earned points; pending points await "
           f"stages that did not run (judge, runtime). Gaps of {board.tie_gap:g} point or less are ties.", "",
           "| rank | repo | score | pending | tier | notes |", "|---:|---|---:|---:|---|---|"]
    for r in board.rows:
        if r.error:
            out.append(f"| - | {_md(r.name)} | - | - | - | **not graded**: {_md(r.error)} |")
            continue
        # "up to" only when the pending points could still lift the tier.
        tier = _md(r.tier) + (f" (provisional, up to {r.tier_best_case})"
                              if r.tier_provisional and r.tier_best_case != r.tier else "")
        notes = "; ".join(r.stage_problems + ([] if r.check_ok else ["arithmetic self-check failed"]))
        link = f"[{_md(r.name)}](<{quote(r.report_dir)}/report.md>)" if r.report_dir else _md(r.name)
        out.append(f"| {r.rank} | {link} | {r.total:g}/{r.max_total:g} | {r.pending_points:g} | {tier} "
                   f"| {_md(notes)} |")
    return "\n".join(out) + "\n"


def to_html(board: Leaderboard) -> str:
    from grader.report.render import _env, pct

    return _env().get_template("leaderboard.html.j2").render(b=board, pct=pct)


def write_leaderboard(board: Leaderboard, out_dir: Path) -> None:
    """Each file via a temp file + rename (grader.report.output): whole or not at all."""
    from grader.report.output import write_atomic

    write_atomic(out_dir / "leaderboard.csv", to_csv(board))
    write_atomic(out_dir / "leaderboard.md", to_markdown(board))
    write_atomic(out_dir / "leaderboard.html", to_html(board))
    write_atomic(out_dir / "leaderboard.json", board.model_dump_json(indent=2))
