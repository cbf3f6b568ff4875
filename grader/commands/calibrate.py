"""`grader calibrate ...`: validate a human-scored set, extract judge scores, compare, fit, run, gate.

Exit codes: 0 fine, 1 the gate failed (`check`), 2 unusable input (every problem named by file:line).
numpy/scipy/sklearn load only when a command runs.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Optional

import typer

calibrate_app = typer.Typer(help="Calibrate the LLM judge against human scores.", no_args_is_help=True)


def _fail(message: str, code: int = 2) -> None:
    typer.echo(f"grader calibrate: {message}", err=True)
    raise typer.Exit(code=code)


def _fail_lines(lines: list[str]) -> None:
    for line in lines:
        typer.echo(line, err=True)
    raise typer.Exit(code=2)


def _rubric(ref: str | None, *hints: Path):
    """--rubric, else the rubric of a set.yaml or run.json next to one of the input files."""
    from grader.rubric import RubricError, load_rubric

    if not ref:
        for folder in hints:
            ref = _rubric_hint(folder)
            if ref:
                break
    if not ref:
        return None
    try:
        return load_rubric(ref)
    except RubricError as exc:
        _fail(str(exc).replace("\n", "; "))


def _rubric_hint(folder: Path) -> str | None:
    run_file = folder / "run.json"
    if run_file.is_file():
        try:
            return json.loads(run_file.read_text(encoding="utf-8")).get("rubric_path") or None
        except ValueError:
            return None
    if (folder / "set.yaml").is_file():
        from calibration.sets import SetError, load_set

        try:
            cset = load_set(folder)
        except SetError:
            return None
        local = cset.root / cset.rubric_ref
        return str(local) if local.is_file() else cset.rubric_ref
    return None


@calibrate_app.command("validate")
def validate_cmd(
    set_path: Path = typer.Argument(..., help="Calibration set folder (with set.yaml) or its set.yaml."),
) -> None:
    """Check a calibration set: every problem is printed with its file and line; exit 2 if any."""
    from calibration.sets import SetError, validate_set

    try:
        cset, rows, warnings = validate_set(set_path)
    except SetError as exc:
        _fail_lines([f"{f}:{line or '?'}: {msg}" for f, line, msg in exc.problems])
    for w in warnings:
        typer.echo(f"warning: {w}", err=True)
    raters = {r.rater for r in rows if r.rater}
    kind = " (SYNTHETIC scores)" if cset.synthetic else ""
    typer.echo(f"{cset.name}{kind}: {len(cset.items)} items, {len(rows)} human scores from "
               f"{len(raters) or 1} rater(s), rubric {cset.rubric_ref}: ok")


@calibrate_app.command("extract")
def extract_cmd(
    reports: Path = typer.Argument(..., help="Folder of <item>/report.json (a run's reports/, grade-many output)."),
    out: Path = typer.Option(..., "--out", "-o", help="judge.csv to write."),
) -> None:
    """Judge scores out of graded reports into judge.csv (item,dimension,score,model,sample,criterion)."""
    from calibration.judge_scores import extract_reports, find_reports
    from calibration.scores import write_judge_csv

    found = find_reports(reports)
    if not found:
        _fail(f"no <item>/report.json under {reports}")
    ex = extract_reports(found)
    for p in ex.problems:
        typer.echo(f"warning: {p}", err=True)
    if not ex.rows:
        _fail(f"no scored judge verdict in {len(found)} report(s)")
    write_judge_csv(ex.rows, out)
    typer.echo(f"{len(ex.rows)} judge scores from {len(found)} reports "
               f"({len(ex.unscored)} verdicts without a score) -> {out}")


def _load_pair(human_csv: Path, judge_csv: Path, rubric):
    from calibration.scores import ScoreFileError, read_human_csv, read_judge_csv
    from calibration.sets import check_scores_against_rubric

    try:
        human = read_human_csv(human_csv)
        judge = read_judge_csv(judge_csv)
    except ScoreFileError as exc:
        _fail_lines([f"{exc.source}:{line or '?'}: {msg}" for line, msg in exc.problems])
    if rubric is not None:
        problems = check_scores_against_rubric(human, rubric, None, str(human_csv))
        unknown_dims = sorted({r.dimension for r in judge} - {d.id for d in rubric.dimensions})
        if unknown_dims:
            problems.append((str(judge_csv), None, f"dimension(s) {', '.join(unknown_dims)} not in rubric {rubric.id}"))
        if problems:
            _fail_lines([f"{f}:{line or '?'}: {msg}" for f, line, msg in problems])
    return human, judge


def compute_report(human_csv: Path, judge_csv: Path, rubric, resamples: int, seed: int, within_k: float) -> dict:
    from calibration.agreement import AgreementError, Settings, compare

    human, judge = _load_pair(human_csv, judge_csv, rubric)
    try:
        return compare(human, judge, rubric, Settings(resamples=resamples, seed=seed, within_k=within_k))
    except AgreementError as exc:
        _fail(str(exc))
    raise AssertionError("unreachable")


def emit_report(report: dict, fmt: str, out: Path | None) -> None:
    from calibration.render_text import render_text

    text = render_text(report)
    as_json = json.dumps(report, indent=2, allow_nan=False)
    if out is not None:
        out.mkdir(parents=True, exist_ok=True)
        (out / "agreement.json").write_text(as_json + "\n", encoding="utf-8")
        (out / "agreement.txt").write_text(text, encoding="utf-8")
        if fmt == "html":
            from calibration.render_html import render_html

            (out / "agreement.html").write_text(render_html(report), encoding="utf-8")
    if fmt == "json":
        typer.echo(as_json)
    elif fmt == "html":
        if out is None:
            from calibration.render_html import render_html

            typer.echo(render_html(report))
        else:
            typer.echo(f"wrote {out}/agreement.html, agreement.json, agreement.txt")
    else:
        typer.echo(text, nl=False)
    for note in report.get("notes", []):
        if fmt != "text":
            typer.echo(f"warning: {note}", err=True)


FORMAT_HELP = "text, json or html."
RUBRIC_HELP = "Rubric for maxima and tiers (default: the rubric of the set or run beside the CSVs)."


@calibrate_app.command("compare")
def compare_cmd(
    human_csv: Path = typer.Argument(..., help="Human scores: item,dimension,score[,rater][,criterion]."),
    judge_csv: Path = typer.Argument(..., help="Judge scores: item,dimension,score,model,sample[,criterion]."),
    format: str = typer.Option("text", "--format", "-f", help=FORMAT_HELP),
    out: Optional[Path] = typer.Option(None, "--out", "-o", help="Folder for agreement.json/.txt (and .html)."),
    rubric: Optional[str] = typer.Option(None, "--rubric", "-r", help=RUBRIC_HELP),
    resamples: int = typer.Option(2000, "--bootstrap", "-B", help="Bootstrap resamples for the 95% CIs."),
    seed: int = typer.Option(0, "--seed", help="Seed of the bootstrap."),
    within_k: float = typer.Option(2.0, "--within-k", help="k of the within-k agreement."),
) -> None:
    """Agreement of judge scores with human scores, per dimension, per criterion and total, with CIs."""
    if format not in ("text", "json", "html"):
        _fail(f"--format {format!r}: use text, json or html")
    if resamples < 0:
        _fail("--bootstrap must be 0 or more")
    rub = _rubric(rubric, human_csv.parent, judge_csv.parent)
    report = compute_report(human_csv, judge_csv, rub, resamples, seed, within_k)
    emit_report(report, format, out)
