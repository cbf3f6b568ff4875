"""`grader judge PATH --rubric R [--criterion ID ...]`: run only the LLM judge and print its
verdicts; `grader judge cache stats|clear`: the local judge cache. The judge options here are the
same as `grader grade`'s (JUDGE_* help texts are shared)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Optional

import typer

MODEL_HELP = "Judge model (litellm string, e.g. openai/gpt-4.1-mini); repeat for a panel."
API_BASE_HELP = "OpenAI-compatible server URL for the judge (e.g. http://127.0.0.1:8000/v1)."
SAMPLES_HELP = "Independent samples per criterion; the median is the score."
MAX_COST_HELP = "Stop asking the judge before this many US dollars are spent; the rest stays pending."
MAX_COST_RUN_HELP = "Dollar budget of the judge for the whole run (all repos); what it cannot ask stays pending."
CACHE_HELP = "SQLite file of the judge cache (default ~/.cache/grader/judge.sqlite3)."
PRICE_HELP = "IN,OUT dollars per million tokens, for models litellm has no price for."
BUDGET_HELP = "Prompt tokens per criterion (default 24000); what does not fit is listed as cut."
TIMEOUT_HELP = "Seconds per provider call (default 60)."
TEMPERATURE_HELP = ("Sampling temperature of the judge, 0-2 (default 0.7: the samples must differ for their "
                    "spread to mean anything); recorded in the report and part of the cache key.")
EXEMPLARS_HELP = ("Calibration set whose human-scored excerpts are shown to the judge as reference examples "
                  "(never the graded repository's own).")


def _fail(message: str, code: int = 2) -> None:
    typer.echo(f"grader: {message}", err=True)
    raise typer.Exit(code=code)


def judge_options(models, api_base, samples, max_cost, cache, price, no_cache=False, criteria=None,
                  timeout=None, token_budget=None, mode="tools", temperature=None):
    """JudgeOptions from CLI values; a bad value exits 2 with one line."""
    from grader.judge.options import DEFAULT_TIMEOUT, DEFAULT_TOKEN_BUDGET, OptionError, build_options

    try:
        return build_options(models, api_base, samples, max_cost, cache, no_cache, price,
                             timeout or DEFAULT_TIMEOUT, token_budget or DEFAULT_TOKEN_BUDGET, criteria, mode,
                             temperature)
    except OptionError as exc:
        _fail(str(exc))


def with_exemplars(opts, set_path: Path | None, rubric, graded: str | Path):
    """Put --exemplars SET into the judge options: per criterion, excerpts of the set's other items
    (the graded repository excluded by path, which also excludes its set item id)."""
    if set_path is None or opts is None:
        return opts
    from calibration.exemplars import exemplars_by_criterion

    try:
        opts.exemplars = exemplars_by_criterion(set_path, rubric, exclude_repo=graded)
    except (ValueError, OSError) as exc:
        _fail(f"--exemplars {set_path}: " + (str(exc).splitlines() or ["unreadable"])[0])
    return opts


def _cache_cmd(action: str | None, cache: Path | None) -> None:
    from grader.judge.cache import JudgeCache
    from grader.judge.options import DEFAULT_CACHE

    if action not in ("stats", "clear"):
        _fail("usage: grader judge cache stats|clear [--judge-cache FILE]")
    path = cache or DEFAULT_CACHE
    if action == "stats" and not Path(path).exists():
        typer.echo(f"{path}: no judge cache yet (0 entries)")
        return
    store = JudgeCache(path)
    try:
        if action == "stats":
            st = store.stats()
            by_model = ", ".join(f"{m}: {n}" for m, n in sorted(st["by_model"].items())) or "none"
            typer.echo(f"{st['path']}: {st['entries']} cached samples, {st['bytes']} bytes ({by_model})")
        else:
            typer.echo(f"{path}: removed {store.clear()} cached samples")
    finally:
        store.close()


def _print_verdicts(report) -> None:
    typer.echo(f"judge {report.status}" + (f": {report.reason}" if report.reason else "")
               + f" | models {', '.join(report.models) or '-'} | prompt {report.prompt_version or '-'}"
               + (f" | temperature {report.temperature:g}" if report.temperature is not None else ""))
    for v in report.verdicts:
        score = f"{v.score:g}/{v.max:g}" if v.score is not None else f"-/{v.max:g}"
        typer.echo(f"  {v.criterion} [{v.model}] {v.status} {score}"
                   + (f" samples {v.samples} spread {v.spread:g}" if v.spread is not None else "")
                   + (f" - {v.reason}" if v.reason else ""))
        for e in v.evidence:
            typer.echo(f"      {'verified' if e.verified else 'UNVERIFIED'} {e.file}:{e.start_line}-{e.end_line}"
                       + (f" ({e.problem})" if e.problem else ""))
        for c in v.contradicts_facts:
            typer.echo(f"      contradicts {c}")
    for w in report.warnings:
        typer.echo(f"  warning: {w}")
    typer.echo(f"calls {report.calls} (cached {report.cached_calls}), tokens {report.tokens_in} in / "
               f"{report.tokens_out} out, ${report.cost_usd:.4f}")


def judge_cmd(
    path: str = typer.Argument(..., help="Repository (folder, archive, git URL@commit), or `cache`."),
    action: Optional[str] = typer.Argument(None, help="With `cache`: stats or clear."),
    rubric: Optional[str] = typer.Option(None, "--rubric", "-r", help="rails-rubyllm-v1, -v2 or a rubric file."),
    criterion: Optional[list[str]] = typer.Option(None, "--criterion", "-c", help="Only this criterion (repeat)."),
    judge_model: Optional[list[str]] = typer.Option(None, "--judge-model", help=MODEL_HELP),
    judge_api_base: Optional[str] = typer.Option(None, "--judge-api-base", help=API_BASE_HELP),
    judge_samples: int = typer.Option(3, "--judge-samples", help=SAMPLES_HELP),
    max_cost: Optional[float] = typer.Option(None, "--max-cost", help=MAX_COST_HELP),
    judge_cache: Optional[Path] = typer.Option(None, "--judge-cache", help=CACHE_HELP),
    no_cache: bool = typer.Option(False, "--no-judge-cache", help="Neither read nor write the judge cache."),
    judge_price: Optional[str] = typer.Option(None, "--judge-price", help=PRICE_HELP),
    judge_token_budget: Optional[int] = typer.Option(None, "--judge-token-budget", help=BUDGET_HELP),
    judge_timeout: Optional[float] = typer.Option(None, "--judge-timeout", help=TIMEOUT_HELP),
    judge_temperature: Optional[float] = typer.Option(None, "--judge-temperature", help=TEMPERATURE_HELP),
    fmt: str = typer.Option("text", "--format", "-f", help="text or json (the report's `judge` object)."),
    exemplars: Optional[Path] = typer.Option(None, "--exemplars", help=EXEMPLARS_HELP),
) -> None:
    """Run only the LLM judge on a repository (static facts as givens) and print its verdicts."""
    if path == "cache":
        _cache_cmd(action, judge_cache)
        return
    if action is not None:
        _fail(f"unexpected argument {action!r} (only `grader judge cache stats|clear` takes one)")
    if fmt not in ("text", "json"):
        _fail("--format is text or json")
    if not rubric:
        _fail("--rubric is required (rails-rubyllm-v1, rails-rubyllm-v2 or a rubric file)")
    from grader.commands.grade import _load_rubric
    from grader.ingest import IngestError, ingest

    rub = _load_rubric(str(rubric))
    opts = judge_options(judge_model, judge_api_base, judge_samples, max_cost, judge_cache, judge_price,
                         no_cache=no_cache, criteria=criterion, timeout=judge_timeout,
                         token_budget=judge_token_budget, temperature=judge_temperature)
    from grader.judge.options import cannot_judge

    cannot = cannot_judge(opts)
    if cannot:  # judging is all this command does: say what is missing before the static pass runs
        _fail(cannot.stop)
    with_exemplars(opts, exemplars, rub, path)
    known = {j.id for j in rub.judge_criteria} | {f"dimension:{d.id}" for d in rub.dimensions if d.judge_holistic}
    unknown = [c for c in criterion or [] if c not in known and f"dimension:{c}" not in known]
    if unknown:
        _fail(f"unknown criterion {', '.join(unknown)} in {rub.id} (known: {', '.join(sorted(known))})")
    try:
        with ingest(path) as got:
            report = _run(got.path, rub, opts)
    except IngestError as exc:
        _fail(str(exc))
    if fmt == "json":
        typer.echo(json.dumps(report.model_dump(mode="json"), indent=2))
    else:
        _print_verdicts(report)


def _run(repo: Path, rubric, opts):
    from grader.core.stage import StageContext
    from grader.judge.stage import JudgeStage
    from grader.scoring import FactSet
    from static_checks.engine import check_path

    facts = FactSet(check_path(repo, with_facts=True).facts, missing_stages={"runtime", "selfreview"})
    outcome = JudgeStage(opts).run(StageContext(repo=Path(repo).resolve(), rubric=rubric, facts=facts))
    return outcome.summary
