"""`grader calibrate ...`: validate a human-scored set, extract judge scores, compare, fit, run, gate.

Exit codes: 0 fine, 1 the gate failed (`check`), 2 unusable input (every problem named by file:line).
numpy/scipy/sklearn load only when a command runs.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Optional

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


def _validated_set(set_path: Path):
    """The set and its human rows; every problem printed with file:line and exit 2, warnings on stderr."""
    from calibration.sets import SetError, validate_set

    try:
        cset, rows, warnings = validate_set(set_path)
    except SetError as exc:
        _fail_lines([f"{f}:{line or '?'}: {msg}" for f, line, msg in exc.problems])
    for w in warnings:
        typer.echo(f"warning: {w}", err=True)
    return cset, rows


@calibrate_app.command("validate")
def validate_cmd(
    set_path: Path = typer.Argument(..., help="Calibration set folder (with set.yaml) or its set.yaml."),
) -> None:
    """Check a calibration set: every problem is printed with its file and line; exit 2 if any."""
    cset, rows = _validated_set(set_path)
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
# The options of the agreement report, declared once for `compare` and `report`.
ReportFormat = Annotated[str, typer.Option("--format", "-f", help=FORMAT_HELP)]
Bootstrap = Annotated[int, typer.Option("--bootstrap", "-B", help="Bootstrap resamples for the 95% CIs.")]
Seed = Annotated[int, typer.Option("--seed", help="Seed of the bootstrap.")]
WithinK = Annotated[float, typer.Option("--within-k", help="k of the within-k agreement.")]


def _check_format(format: str) -> None:
    if format not in ("text", "json", "html"):
        _fail(f"--format {format!r}: use text, json or html")


@calibrate_app.command("compare")
def compare_cmd(
    human_csv: Path = typer.Argument(..., help="Human scores: item,dimension,score[,rater][,criterion]."),
    judge_csv: Path = typer.Argument(..., help="Judge scores: item,dimension,score,model,sample[,criterion]."),
    format: ReportFormat = "text",
    out: Optional[Path] = typer.Option(None, "--out", "-o", help="Folder for agreement.json/.txt (and .html)."),
    rubric: Optional[str] = typer.Option(None, "--rubric", "-r", help=RUBRIC_HELP),
    resamples: Bootstrap = 2000,
    seed: Seed = 0,
    within_k: WithinK = 2.0,
) -> None:
    """Agreement of judge scores with human scores, per dimension, per criterion and total, with CIs."""
    _check_format(format)
    if resamples < 0:
        _fail("--bootstrap must be 0 or more")
    rub = _rubric(rubric, human_csv.parent, judge_csv.parent)
    report = compute_report(human_csv, judge_csv, rub, resamples, seed, within_k)
    report["synthetic"] = _is_synthetic(human_csv.parent)
    emit_report(report, format, out)


def _is_synthetic(folder: Path) -> bool:
    """Scores from a set marked `synthetic: true` are labelled so on every output."""
    if not (folder / "set.yaml").is_file():
        return False
    from calibration.sets import SetError, load_set

    try:
        return load_set(folder).synthetic
    except SetError:
        return False


def _run_inputs(run: Path) -> tuple[dict, object]:
    from calibration.run import RunError, read_run

    try:
        manifest = read_run(run)
    except RunError as exc:
        _fail(str(exc))
    for name in ("human.csv", "judge.csv"):
        if not (run / name).is_file():
            _fail(f"{run}/{name} is missing: the run produced no {'judge scores' if name == 'judge.csv' else name}")
    return manifest, _rubric(manifest.get("rubric_path") or manifest.get("rubric"))


def _judge_options(models: list[str], api_base, samples: int, cache: Path | None, max_cost: float | None):
    try:
        from grader.judge.options import OptionError, build_options
    except ImportError:
        _fail("this build has no judge stage (grader.judge.options): only --resume with existing reports works")
    try:
        return build_options(models, api_base=api_base, samples=samples, max_cost=max_cost, cache=cache)
    except OptionError as exc:
        _fail(str(exc))


@calibrate_app.command("run")
def run_cmd(
    set_path: Path = typer.Argument(..., help="Calibration set folder (with set.yaml)."),
    judge_model: list[str] = typer.Option([], "--judge-model", help="Judge model (litellm name); repeat for a panel."),
    out: Path = typer.Option(..., "--out", "-o", help="Run folder: run.json, human.csv, judge.csv, reports/."),
    judge_api_base: Optional[str] = typer.Option(None, "--judge-api-base", help="OpenAI-compatible server URL."),
    judge_samples: int = typer.Option(3, "--judge-samples", help="Samples per criterion (test-retest needs 2+)."),
    judge_cache: Optional[Path] = typer.Option(None, "--judge-cache", help="Judge cache file (SQLite)."),
    max_cost: Optional[float] = typer.Option(None, "--max-cost", help="Dollar budget per item."),
    runtime: bool = typer.Option(False, "--runtime/--no-runtime", help="Also run the Docker stage (default off)."),
    base_image: Optional[str] = typer.Option(None, "--base-image", help="Base image for the runtime stage."),
    resume: bool = typer.Option(False, "--resume", help="Reuse reports already in the run folder."),
    resamples: int = typer.Option(2000, "--bootstrap", "-B", help="Bootstrap resamples of the agreement report."),
) -> None:
    """Grade every item of SET with the judge on and write the run folder, then print the agreement."""
    from calibration.run import RunError, grade_options, run_set

    cset, human_rows = _validated_set(set_path)
    rubric = cset.rubric()
    options = None
    if judge_model:
        try:
            options = grade_options(_judge_options(judge_model, judge_api_base, judge_samples, judge_cache, max_cost),
                                    runtime, base_image)
        except RunError as exc:
            _fail(str(exc))
    elif not resume:
        _fail("give --judge-model (repeat for a panel), or --resume to reuse the reports in the run folder")
    summary = run_set(cset, human_rows, rubric, out, options=options, resume=resume,
                      progress=lambda line: typer.echo(f"  {line}", err=True))
    for p in summary.problems:
        typer.echo(f"warning: {p}", err=True)
    failed = [i for i in summary.items if i.status == "failed"]
    typer.echo(f"{len(summary.items) - len(failed)}/{len(summary.items)} items graded, "
               f"{summary.judge_rows} judge scores -> {out}/judge.csv")
    if not summary.judge_rows:
        _fail("no judge score in any report: nothing to compare (see the warnings above)")
    _report(out, "text", resamples, 0, 2.0)
    if failed:
        raise typer.Exit(code=1)


def _report(run: Path, fmt: str, resamples: int, seed: int, within_k: float) -> dict:
    manifest, rubric = _run_inputs(run)
    report = compute_report(run / "human.csv", run / "judge.csv", rubric, resamples, seed, within_k)
    report["synthetic"] = bool(manifest.get("synthetic"))
    emit_report(report, fmt, run)
    if fmt == "text":
        from calibration.render_html import render_html

        (run / "agreement.html").write_text(render_html(report), encoding="utf-8")
    return report


@calibrate_app.command("report")
def report_cmd(
    run: Path = typer.Argument(..., help="Run folder of `grader calibrate run`."),
    format: ReportFormat = "text",
    resamples: Bootstrap = 2000,
    seed: Seed = 0,
    within_k: WithinK = 2.0,
) -> None:
    """The agreement report of a run (writes RUN/agreement.json, .txt and .html)."""
    _check_format(format)
    _report(run, format, resamples, seed, within_k)


@calibrate_app.command("fit")
def fit_cmd(
    run: Path = typer.Argument(..., help="Run folder of `grader calibrate run`."),
    out: Path = typer.Option(..., "--out", "-o", help="Profile JSON to write."),
    seed: int = typer.Option(0, "--seed", help="Seed of the k-fold split (sets above 30 items)."),
) -> None:
    """Fit a judge->human correction (isotonic, per model and per dimension/criterion) with its out-of-sample error."""
    from calibration.profile import ProfileError, fit_profile

    manifest, rubric = _run_inputs(run)
    if rubric is None:
        _fail(f"{run}/run.json names no rubric")
    if len(manifest.get("prompt_versions") or []) > 1:
        _fail(f"the run mixes judge prompt versions {', '.join(manifest['prompt_versions'])}: one profile needs one")
    human, judge = _load_pair(run / "human.csv", run / "judge.csv", rubric)
    try:
        profile = fit_profile(human, judge, rubric, prompt_version=manifest.get("prompt_version"), seed=seed)
    except ProfileError as exc:
        _fail(str(exc))
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(profile, indent=2) + "\n", encoding="utf-8")
    typer.echo(f"{'model':28} {'scored':28} {'n':>3} {'raw MAE':>8} {'in-sample':>9} {'out-of-sample':>13}")
    for model, maps in profile["models"].items():
        for name, m in maps.items():
            typer.echo(f"{model[:28]:28} {name[:28]:28} {m['n']:>3} {m['mae_raw']:>8.3f} {m['mae_in_sample']:>9.3f} "
                       f"{m['mae_out_of_sample']:>13.3f} ({m['validation']}"
                       f"{'' if m['improves'] else '; not better than raw: will not be applied'})")
    for note in profile["notes"]:
        typer.echo(f"note: {note}", err=True)
    typer.echo(f"profile for prompt {profile['key']['prompt_version']}, rubric {rubric.id} -> {out}")


def _gate_failures(report: dict, min_qwk: float | None, max_mae: float | None, only: list[str]) -> list[str]:
    blocks = {**report.get("dimensions", {}), **report.get("criteria", {})}
    if report.get("total"):
        blocks["total"] = report["total"]
    unknown = [d for d in only if d not in blocks]
    if unknown:
        _fail(f"--dimension {', '.join(unknown)}: not scored in this run (scored: {', '.join(blocks)})")
    failures = []
    for name in only or list(blocks):
        block = blocks[name]
        if min_qwk is not None:
            if block["qwk"] is None:
                failures.append(f"{name}: qwk undefined (n={block['n']}), needs >= {min_qwk:g}")
            elif block["qwk"] < min_qwk:
                failures.append(f"{name}: qwk {block['qwk']:.3f} < {min_qwk:g} (n={block['n']})")
        if max_mae is not None and block["mae"] is not None and block["mae"] > max_mae:
            failures.append(f"{name}: mae {block['mae']:.3f} > {max_mae:g} (n={block['n']})")
    return failures


@calibrate_app.command("check")
def check_cmd(
    run: Path = typer.Argument(..., help="Run folder of `grader calibrate run`."),
    min_qwk: Optional[float] = typer.Option(None, "--min-qwk", help="Fail when a quadratic-weighted kappa is below."),
    max_mae: Optional[float] = typer.Option(None, "--max-mae", help="Fail when a mean absolute error is above."),
    dimension: list[str] = typer.Option([], "--dimension", "-d", help="Gate only these: dimension, criterion, total."),
) -> None:
    """Gate for CI: exit 1 with the failing figures when the judge drifts from the human scores."""
    if min_qwk is None and max_mae is None:
        _fail("give --min-qwk and/or --max-mae")
    _manifest, rubric = _run_inputs(run)
    report = compute_report(run / "human.csv", run / "judge.csv", rubric, 0, 0, 2.0)
    failures = _gate_failures(report, min_qwk, max_mae, dimension)
    for note in report.get("notes", []):
        typer.echo(f"warning: {note}", err=True)
    if failures:
        typer.echo("calibration gate FAILED:")
        for f in failures:
            typer.echo(f"  {f}")
        raise typer.Exit(code=1)
    gated = ", ".join(dimension) or "every dimension, criterion and the total"
    typer.echo(f"calibration gate passed ({gated}; {report['items']} items)")


def calibration_stages(profile_path: Path, rubric) -> list:
    """For `grader grade --calibration PROFILE.json`: the default stages with the judge wrapped so the
    profile applies to its scores (exit 2 on an unreadable profile)."""
    from calibration.apply import calibrated_stages
    from calibration.profile import ProfileError, load_profile
    from grader.stages import default_stages

    try:
        profile = load_profile(profile_path)
    except ProfileError as exc:
        _fail(str(exc))
    return calibrated_stages(default_stages(rubric), profile, source=profile_path.name)
