"""`grader check PATH...`: the RubyLLM API audit over one or several repos.

Exit codes: 0 no error findings, 1 error findings, 2 a bad input (the worst over all paths), 70 an
internal error (a bug of grader: the traceback is printed for a report). A bad path is reported in one
line and the other paths are still checked.

`check` is run by a repo's owner on their own code, so it honours the owner's choices: the
settings file (`--config`, else the checked folder's, else the current folder's), inline
`# grader:disable` comments and a baseline. `grade` honours none of them from the graded repo.
"""

from __future__ import annotations

import json
import os
import sys
from dataclasses import dataclass
from pathlib import Path


@dataclass
class CheckRequest:
    """What the command line asked for (see grader/cli.py `check_cmd` for each flag)."""

    paths: list[str]
    fmt: str = "text"
    ruby_llm_version: str | None = None
    output: Path | None = None
    config: Path | None = None
    baseline: Path | None = None
    write_baseline: bool = False
    quiet: bool = False
    untrusted: bool = False  # the checked repo is someone else's: its settings and comments not honoured
    jobs: str | None = None  # processes: a number >= 1, or "auto"/None (static_checks.engine decides)


def _say(message: str) -> None:
    from grader.report.escape import terminal_text

    print(f"grader: {terminal_text(message)}", file=sys.stderr)


def use_colour(output: Path | None, stream=None) -> bool:
    """Colour only on a terminal; NO_COLOR (any value) turns it off, FORCE_COLOR on."""
    if output is not None or os.environ.get("NO_COLOR"):
        return False
    if os.environ.get("FORCE_COLOR"):
        return True
    stream = stream or sys.stdout
    return bool(getattr(stream, "isatty", lambda: False)())


def combine(texts: list[tuple[str, str]], fmt: str) -> str:
    """One document from each path's rendered report."""
    if len(texts) == 1:
        return texts[0][1]
    if fmt == "json":
        return json.dumps([json.loads(text) for _, text in texts], indent=2, ensure_ascii=False) + "\n"
    if fmt == "sarif":
        log = json.loads(texts[0][1])
        log["runs"] = [run for _, text in texts for run in json.loads(text)["runs"]]
        return json.dumps(log, indent=2, ensure_ascii=False) + "\n"
    return "\n".join(f"== {path}\n{text}" for path, text in texts)


def _output_problem(output: Path) -> str | None:
    if output.is_dir():
        return f"--output must be a file, and {output} is a folder"
    try:
        output.parent.mkdir(parents=True, exist_ok=True)  # -o deep/new/dir/r.sarif just works
    except OSError as exc:
        return f"cannot create the folder of {output}: {exc.strerror or exc}"
    return None


def _write_baselines(request: CheckRequest, made: list[tuple[str, object, Path | None]]) -> int:
    from static_checks.baseline import BaselineError, write_baseline

    targets: dict[Path, list] = {}
    for path, report, baseline_file in made:
        if baseline_file is None:
            _say(f"--write-baseline: no baseline file for {path}; pass --baseline FILE (or set `baseline` "
                 f"in the settings file)")
            return 2
        targets.setdefault(baseline_file, []).append(report)
    for target, reports in targets.items():
        try:
            count = write_baseline(target, reports)
        except BaselineError as exc:
            _say(str(exc))
            return 2
        if not request.quiet:
            _say(f"wrote {count} finding(s) to baseline {target}")
    return 0


def parse_jobs(value: str | None) -> int | None:
    """--jobs as a count of processes, None for automatic; ValueError (one line) for anything else."""
    if value is None or value.strip().lower() == "auto":
        return None
    try:
        count = int(value.strip())
    except ValueError:
        count = 0
    if count < 1:
        raise ValueError(f"--jobs must be a whole number of at least 1, or auto; got {value!r}")
    return count


# sysexits.h EX_SOFTWARE ("internal software error"): a crash must not read as findings (1) or as a
# bad input the user can fix (2); CI and the pre-commit hook then say "could not run", not "found errors".
INTERNAL_ERROR = 70


def run_check(request: CheckRequest) -> int:
    """check_paths, with a bug of ours reported as one: its traceback and exit code INTERNAL_ERROR.
    A closed output pipe stays an OSError for the caller (typer and grader.launch exit 1 on it)."""
    try:
        return check_paths(request)
    except BrokenPipeError:
        raise
    except Exception:
        import traceback

        traceback.print_exc(file=sys.stderr)
        _say(f"internal error (a bug in grader, not in the checked code); exit {INTERNAL_ERROR}. "
             f"Please report it with the traceback above.")
        return INTERNAL_ERROR


def check_paths(request: CheckRequest) -> int:
    from static_checks.engine import InputError
    from static_checks.output import FORMATS, render
    from static_checks.owner import OwnerError, check_as_owner

    from grader.ingest import IngestError, ingest

    if request.fmt not in FORMATS:
        _say(f"unknown format {request.fmt!r}; choose one of {', '.join(FORMATS)}")
        return 2
    try:
        jobs = parse_jobs(request.jobs)
    except ValueError as exc:
        _say(str(exc))
        return 2
    if request.output is not None and (problem := _output_problem(request.output)):
        _say(problem)
        return 2
    code = 0
    colour = use_colour(request.output)
    texts: list[tuple[str, str]] = []
    made: list[tuple[str, object, Path | None]] = []
    for path in request.paths:
        try:
            with ingest(path) as repo:
                report, baseline_file = check_as_owner(
                    repo.path, config=request.config, ruby_llm_version=request.ruby_llm_version,
                    baseline=request.baseline, write_baseline=request.write_baseline,
                    trust_repo=not request.untrusted, jobs=jobs)
        except (IngestError, InputError, ValueError, OwnerError) as exc:
            _say(str(exc))
            code = 2
            continue
        if not report.roots and not report.files_analyzed and not request.quiet:
            _say(f"warning: no Ruby app found in {path} (no Gemfile and no Ruby file): nothing was checked")
        made.append((path, report, baseline_file))
        texts.append((path, render(report, request.fmt, colour=colour, quiet=request.quiet)))
        if report.has_errors() and code == 0:
            code = 1
    if request.write_baseline:
        return code if code == 2 else _write_baselines(request, made)
    if not texts:
        return code
    return _emit(combine(texts, request.fmt), request.output, code)


def _emit(text: str, output: Path | None, code: int) -> int:
    if output is None:
        sys.stdout.write(text)
        return code
    from grader.report.output import OutputError, write_atomic

    try:
        write_atomic(output, text)
    except OutputError as exc:
        _say(str(exc))
        return 2
    return code
