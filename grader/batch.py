"""Grade a folder of repositories in parallel and rank them. No repo is ever dropped: one that
fails to grade is a leaderboard row carrying its error."""

from __future__ import annotations

import os
import re
from concurrent.futures import ProcessPoolExecutor, as_completed
from pathlib import Path

from grader.ingest import ARCHIVE_SUFFIXES
from grader.pipeline import GradeOptions, display_name, grade
from grader.report.leaderboard import Leaderboard, LeaderRow, write_leaderboard
from grader.rubric import Rubric


def discover_repos(folder: Path) -> list[Path]:
    """Sub-folders (not hidden, not links) and archives directly inside `folder`, by name."""
    out = []
    for entry in sorted(Path(folder).iterdir()):
        if entry.name.startswith(".") or entry.is_symlink():
            continue
        if entry.is_dir() or (entry.is_file() and entry.name.lower().endswith(ARCHIVE_SUFFIXES)):
            out.append(entry)
    return out


def _slug(name: str) -> str:
    return re.sub(r"[^A-Za-z0-9._-]+", "_", display_name(name)).strip("._") or "repo"


def _out_names(repos: list[Path]) -> list[str]:
    seen: dict[str, int] = {}
    names = []
    for repo in repos:
        base = _slug(repo.name)
        n = seen.get(base, 0)
        seen[base] = n + 1
        names.append(base if n == 0 else f"{base}-{n + 1}")
    return names


def grade_one(source: str, name: str, rubric: Rubric, out_dir: str, options: GradeOptions) -> LeaderRow:
    """Worker: grade one repo into out_dir/name. Never raises: an error becomes the row's error."""
    try:
        report = grade(source, rubric, Path(out_dir) / name, options)
    except Exception as exc:  # noqa: BLE001 - the leaderboard lists it with its error
        return LeaderRow(name=name, source=source, error=f"{type(exc).__name__}: {' '.join(str(exc).split())}"[:400])
    failed = [f"{s.name} {s.status}" for s in report.stages if s.status in ("failed", "partial")]
    return LeaderRow(
        name=name, source=source, total=report.total, max_total=report.max_total, pending_points=report.pending_points,
        tier=report.tier, tier_provisional=report.tier_provisional, tier_best_case=report.tier_best_case,
        report_dir=name, check_ok=report.arithmetic_check.ok, stage_problems=failed,
    )


def default_jobs() -> int:
    return max(1, min(8, os.cpu_count() or 1))


def grade_many(repos: list[Path], rubric: Rubric, out_dir: Path, options: GradeOptions | None = None,
               jobs: int = 0, progress: bool = False) -> Leaderboard:
    options = options or GradeOptions()
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    jobs = jobs or default_jobs()
    names = _out_names(repos)
    work = [(str(repo), name) for repo, name in zip(repos, names)]
    rows: dict[str, LeaderRow] = {}
    bar = _progress(progress, len(work))
    with bar as prog:
        task = prog.add_task("grading", total=len(work)) if prog else None

        def done(row: LeaderRow) -> None:
            rows[row.name] = row
            if prog:
                prog.update(task, advance=1, description=f"graded {row.name}")

        if jobs == 1 or len(work) == 1:
            for source, name in work:
                done(grade_one(source, name, rubric, str(out_dir), options))
        else:
            with ProcessPoolExecutor(max_workers=min(jobs, len(work))) as pool:
                futures = {pool.submit(grade_one, source, name, rubric, str(out_dir), options): (source, name)
                           for source, name in work}
                for fut in as_completed(futures):
                    source, name = futures[fut]
                    try:
                        done(fut.result())
                    except Exception as exc:  # noqa: BLE001 - a worker died (e.g. killed): keep the row
                        done(LeaderRow(name=name, source=source, error=f"worker failed: {type(exc).__name__}: {exc}"[:400]))
    board = Leaderboard(rubric=rubric.id, rubric_title=rubric.title, max_total=rubric.max_total,
                        tie_gap=rubric.tie_gap, rows=[rows[n] for _, n in work])
    board.sort()
    write_leaderboard(board, out_dir)
    return board


class _NoProgress:
    def __enter__(self):
        return None

    def __exit__(self, *exc):
        return False


def _progress(enabled: bool, total: int):
    if not enabled:
        return _NoProgress()
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    return Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn())
