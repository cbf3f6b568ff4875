"""`grader check PATH...`: the RubyLLM API audit over one or several repos.

Exit codes: 0 no error findings, 1 error findings, 2 a bad input (the worst over all paths). A bad
path is reported in one line and the other paths are still checked.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path


def _say(message: str) -> None:
    from grader.report.escape import terminal_text

    print(f"grader: {terminal_text(message)}", file=sys.stderr)


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


def check_paths(paths: list[str], fmt: str, ruby_llm_version: str | None, output: Path | None) -> int:
    from static_checks.engine import InputError, check_path
    from static_checks.output import FORMATS, render

    from grader.ingest import IngestError, ingest

    if fmt not in FORMATS:
        _say(f"unknown format {fmt!r}; choose one of {', '.join(FORMATS)}")
        return 2
    if output is not None and (problem := _output_problem(output)):
        _say(problem)
        return 2
    code = 0
    texts: list[tuple[str, str]] = []
    for path in paths:
        try:
            with ingest(path) as repo:
                report = check_path(repo.path, ruby_llm_version=ruby_llm_version)
        except (IngestError, InputError, ValueError) as exc:
            _say(str(exc))
            code = 2
            continue
        if not report.roots and not report.files_analyzed:
            _say(f"warning: no Ruby app found in {path} (no Gemfile and no Ruby file): nothing was checked")
        texts.append((path, render(report, fmt)))
        if report.has_errors() and code == 0:
            code = 1
    if not texts:
        return code
    text = combine(texts, fmt)
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
