"""`grader check --jobs N`: how many processes parse and analyse; a bad value is one line, exit 2."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from grader.cli import app
from grader.commands.check import parse_jobs
from static_checks import engine

CORPUS = Path(__file__).resolve().parents[1] / "corpus"


def grader(*args: str) -> subprocess.CompletedProcess:
    exe = Path(sys.executable).with_name("grader")
    return subprocess.run([str(exe), *args], capture_output=True, text=True, timeout=300)


@pytest.mark.parametrize("value", ["0", "-2", "two", "1.5", ""])
def test_a_bad_jobs_value_is_one_line_and_exit_2(value):
    done = grader("check", str(CORPUS / "clean_traps_116"), "--jobs", value)
    assert done.returncode == 2
    assert done.stdout == ""
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and "--jobs" in lines[0] and "Traceback" not in done.stderr, done.stderr


@pytest.mark.parametrize("value, expected", [(None, None), ("auto", None), (" AUTO ", None), ("1", 1), ("8", 8)])
def test_jobs_values(value, expected):
    assert parse_jobs(value) == expected


def test_the_count_reaches_the_analysis(monkeypatch):
    seen = []
    real = engine.check_path
    monkeypatch.setattr(engine, "check_path", lambda *a, **kw: seen.append(kw.get("jobs")) or real(*a, **kw))
    target = str(CORPUS / "clean_traps_116")
    for extra in ([], ["--jobs", "3"], ["-j", "1"], ["--jobs", "auto"]):
        result = CliRunner().invoke(app, ["check", target, "--format", "json", *extra])
        assert result.exit_code in (0, 1), result.output
    assert seen == [None, 3, 1, None]


def test_every_count_gives_the_same_report(tmp_path):
    out = {}
    for value in ("1", "2", "auto"):
        done = grader("check", str(CORPUS), "--format", "json", "--jobs", value, "-o", str(tmp_path / f"{value}.json"))
        assert done.returncode == 1, done.stderr  # the corpus has error findings
        out[value] = (tmp_path / f"{value}.json").read_text()
    assert out["1"] == out["2"] == out["auto"]
