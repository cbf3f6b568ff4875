"""Every command, given bad input, says what to fix and exits 2: never a traceback, never 1 (which
means findings). Plus the CLI conventions: --version, -h, several paths for `check`, no colour and
no cut ids when piped."""

from __future__ import annotations

import csv
import json
import re
import shutil
import subprocess

import pytest
from typer.testing import CliRunner

from grader.cli import app

runner = CliRunner()
MINIMAL = {"Gemfile": "gem 'ruby_llm'\n", "app/chat.rb": "class Chat\n  def go = RubyLLM.chat.ask('x')\nend\n"}


@pytest.fixture(scope="module")
def places(tmp_path_factory):
    base = tmp_path_factory.mktemp("bad_input")
    repo = base / "repo"
    for rel, text in MINIMAL.items():
        (repo / rel).parent.mkdir(parents=True, exist_ok=True)
        (repo / rel).write_text(text)
    (base / "a_file").write_text("not a folder\n")
    (base / "bad.json").write_text('{"rubric": 1}')
    (base / "empty").mkdir()
    untagged = base / "untagged"  # a git repository with no release tag
    untagged.mkdir()
    subprocess.run(["git", "init", "-q", str(untagged)], check=True)
    subprocess.run(["git", "-C", str(untagged), "-c", "user.name=t", "-c", "user.email=t@example.com", "commit",
                    "-q", "--allow-empty", "-m", "first"], check=True)
    return {"untagged": str(untagged), "repo": str(repo), "file": str(base / "a_file"),
            "missing": str(base / "missing"), "bad_json": str(base / "bad.json"), "empty": str(base / "empty"),
            "out": str(base / "out"), "data": str(base / "service-data")}


def test_the_table_tries_every_command():
    import typer.main

    commands = set(typer.main.get_command(app).commands)
    tried = {args[0] for args, _ in BAD_INPUTS}
    assert commands <= tried, f"no bad input tried for: {sorted(commands - tried)}"


BAD_INPUTS = [
    (["check", "{missing}"], "no such path"),
    (["check", "{repo}", "--format", "xml"], "unknown format 'xml'"),
    (["check", "{repo}", "-o", "{empty}"], "must be a file"),
    (["check", "{repo}", "{missing}"], "no such path"),
    (["grade", "{missing}", "-r", "rails-rubyllm-v1", "-o", "{out}"], "no such path"),
    (["grade", "{repo}", "-r", "no-such-rubric", "-o", "{out}"], "no rubric file or named rubric"),
    (["grade", "{repo}", "-r", "rails-rubyllm-v1", "-o", "{file}"], "--out must be a folder"),
    (["grade", "{repo}", "-r", "{file}", "-o", "{out}"], "rubric"),
    (["grade-many", "{missing}", "-r", "rails-rubyllm-v1", "-o", "{out}"], "not a folder"),
    (["grade-many", "{empty}", "-r", "rails-rubyllm-v1", "-o", "{out}"], "no repositories"),
    (["grade-many", "{empty}", "-r", "rails-rubyllm-v1", "-o", "{out}", "-j", "-3"], "--jobs must be"),
    (["grade-many", "{empty}", "-r", "rails-rubyllm-v1", "-o", "{file}"], "--out must be a folder"),
    (["report", "render", "{missing}"], "no such report file"),
    (["report", "render", "{file}"], "is not a grader report.json"),
    (["report", "render", "{bad_json}"], "is not a grader report.json"),
    (["report", "render", "{bad_json}", "--format", "pdf"], "--format must be one of"),
    (["rubric", "show", "no-such-rubric"], "no rubric file or named rubric"),
    (["rubric", "validate", "{missing}"], "no rubric file or named rubric"),
    (["manifest", "build", "--source", "{missing}", "--version", "1.0.0"], "does not exist"),
    (["manifest", "history", "--source", "{file}"], "is a file"),
    (["manifest", "build", "--source", "{empty}", "--version", "1.0.0"], "git cannot read it"),
    (["manifest", "history", "--source", "{empty}"], "git cannot read it"),
    (["manifest", "build", "--source", "{untagged}", "--version", "1.0.0"], "no release tag for 1.0.0"),
    (["manifest", "history", "--source", "{untagged}", "--out", "{out}/h.json.gz"], "has no release tags"),
    (["grade", "{repo}", "-r", "rails-rubyllm-v1", "-o", "{out}", "--no-runtime", "--ruby-llm-version", "0.0.1"],
     "--ruby-llm-version: ruby_llm '0.0.1' is not a known release"),
    (["grade-many", "{repo}/..", "-r", "rails-rubyllm-v1", "-o", "{out}", "--ruby-llm-version", "9.9"],
     "not a known release"),
    (["runtime", "run", "{missing}"], "does not exist"),
    (["runtime", "run", "{repo}", "--gem-mirror", "ftp://gems.example"], "--gem-mirror: must be an http(s) URL"),
    (["runtime", "run", "{repo}", "--gem-mirror", "http://a b"], "--gem-mirror: must be an http(s) URL"),
    (["runtime", "run", "{repo}", "--run-id", "Mixed Case"], "--run-id: must be 1-64 lower-case letters"),
    (["runtime", "run", "{repo}", "--budget", "-1"], "--budget: input should be greater than 0"),
    (["runtime", "run", "{repo}", "--boot-timeout", "0"], "--boot-timeout: input should be greater than 0"),
    (["runtime", "run", "{repo}", "--parallel-steps", "0"], "--parallel-steps: input should be greater"),
    (["runtime", "run", "{repo}", "--base-image", ""], "--base-image: must name an image"),
    (["grade", "{repo}", "-r", "rails-rubyllm-v1", "-o", "{out}", "--gem-mirror", "file:///etc"], "--gem-mirror:"),
    (["grade-many", "{repo}/..", "-r", "rails-rubyllm-v1", "-o", "{out}", "--gem-mirror", "ftp://x"], "--gem-mirror:"),
    (["grade", "{repo}"], "Missing option"),
    (["rules", "show", "no-such-rule"], "unknown rule 'no-such-rule'"),
    (["calibrate", "validate", "{missing}"], "no set.yaml here"),
    (["calibrate", "report", "{empty}"], "is not a calibration run"),
    (["calibrate", "compare", "{missing}", "{missing}"], "file not found"),
    (["calibrate", "check", "{empty}"], "give --min-qwk and/or --max-mae"),
    (["serve", "--port", "99999"], "Invalid value for '--port'"),
    (["serve", "token", "revoke", "nobody"], "run `grader db upgrade`"),
    (["db", "upgrade", "--bogus"], "No such option"),
    (["worker", "--concurrency", "0"], "Invalid value for '--concurrency'"),
    (["judge", "{repo}", "-r", "rails-rubyllm-v1"], "no --judge-model given (e.g. --judge-model"),
    (["judge", "{repo}", "-r", "rails-rubyllm-v1", "--judge-model", "nosuchprovider/m"],
     "no API key for nosuchprovider/m (NOSUCHPROVIDER_API_KEY unset) and no --judge-api-base"),
    (["no-such-command"], "No such command"),
]


@pytest.mark.parametrize("args,words", BAD_INPUTS, ids=[" ".join(a) for a, _ in BAD_INPUTS])
def test_bad_input_is_one_clear_message_and_exit_2(places, args, words, monkeypatch):
    monkeypatch.setenv("GRADER_DATA_DIR", places["data"])  # the service commands: an empty database of the test's
    monkeypatch.delenv("GRADER_DATABASE_URL", raising=False)
    res = runner.invoke(app, [a.format(**places) for a in args])
    assert res.exit_code == 2, (res.output, res.exception)
    assert res.exception is None or isinstance(res.exception, SystemExit), res.exception
    assert "Traceback" not in res.output
    assert words in " ".join(res.output.split()), res.output


def test_version_and_short_help():
    from grader import __version__

    res = runner.invoke(app, ["--version"])
    assert res.exit_code == 0 and res.output.strip() == f"grader {__version__}"
    for args in (["-h"], ["grade", "-h"], ["grade-many", "-h"], ["report", "render", "-h"], ["check", "--help"]):
        res = runner.invoke(app, args, env={"COLUMNS": "200"})
        assert res.exit_code == 0 and "Usage" in res.output, args
        # Plain metavars: nothing after a flag, words (TEXT, INTEGER, PATH) instead of <str>-style tags.
        assert not re.search(r"--\S+\s+<(bool|str|int|path)>", res.output), res.output
    grade_many = runner.invoke(app, ["grade-many", "-h"], env={"COLUMNS": "200"}).output
    assert re.search(r"--jobs\s+-j\s+INTEGER", grade_many) and re.search(r"--no-runtime\s+Skip", grade_many)


def test_check_takes_several_paths_and_creates_the_output_folder(places, tmp_path):
    other = tmp_path / "other"
    shutil.copytree(places["repo"], other)
    target = tmp_path / "deep" / "new" / "results.sarif"
    res = runner.invoke(app, ["check", places["repo"], str(other), "--format", "sarif", "-o", str(target)])
    assert res.exit_code == 0, res.output
    assert len(json.loads(target.read_text())["runs"]) == 2
    res = runner.invoke(app, ["check", places["repo"], str(other), "--format", "json"])
    assert [len(r["roots"]) for r in json.loads(res.stdout)] == [1, 1]
    res = runner.invoke(app, ["check", places["repo"], str(other)])
    assert res.stdout.count("== ") == 2 and res.stdout.count("files analysed") == 2


def test_piped_output_has_no_colour_and_rubric_ids_are_never_cut():
    res = runner.invoke(app, ["rubric", "show", "rails-rubyllm-v2"], env={"COLUMNS": "80"})
    assert res.exit_code == 0
    assert "\x1b" not in res.output and "…" not in res.output
    from grader.rubric import load_rubric

    rubric = load_rubric("rails-rubyllm-v2")
    shown = set(re.findall(r"[a-z][a-z0-9_]+", res.output))
    assert {d.id for d in rubric.deductions} <= shown
    assert "[goal_gates]" in res.output  # rich markup no longer swallows bracketed ids
    assert "\x1b" not in runner.invoke(app, ["--help"]).output


def test_an_input_with_no_ruby_app_is_said_to_be_one(places, tmp_path):
    py = tmp_path / "python_repo"
    py.mkdir()
    (py / "main.py").write_text("print('hello')\n")
    out = tmp_path / "out"
    res = runner.invoke(app, ["grade", str(py), "-r", "rails-rubyllm-v1", "--no-runtime", "-o", str(out)])
    assert res.exit_code == 2 and "no Ruby app found" in res.stderr, res.output
    assert not out.exists()  # a refused run leaves no folder behind
    res = runner.invoke(app, ["check", str(py)])
    assert res.exit_code == 0 and "warning: no Ruby app found" in res.stderr


def test_grade_many_follows_links_inside_its_folder_and_names_the_rest(places, tmp_path):
    runs = tmp_path / "runs"
    (runs / "archive").mkdir(parents=True)
    shutil.copytree(places["repo"], runs / "archive" / "first")
    (runs / "first").symlink_to(runs / "archive" / "first")  # inside: followed
    outside = tmp_path / "elsewhere"
    shutil.copytree(places["repo"], outside)
    (runs / "stray").symlink_to(outside)  # outside: skipped, and said so
    (runs / "notes").mkdir()
    (runs / "notes" / "README.txt").write_text("no app here\n")
    out = tmp_path / "board"
    res = runner.invoke(app, ["grade-many", str(runs), "-r", "rails-rubyllm-v1", "--no-runtime", "--no-judge",
                              "-o", str(out), "-j", "1"])
    assert "skipped stray: a link to outside" in res.stderr
    rows = {r["name"]: r for r in csv.DictReader((out / "leaderboard.csv").open())}
    assert set(rows) == {"archive", "first", "notes"}
    assert rows["first"]["error"] == "" and rows["first"]["total"]
    assert "no Ruby app found" in rows["notes"]["error"] and res.exit_code == 1


def test_stages_that_did_not_run_are_named_after_grade_and_in_the_leaderboard(places, tmp_path):
    res = runner.invoke(app, ["grade", places["repo"], "-r", "rails-rubyllm-v1", "--no-runtime", "--no-judge",
                              "-o", str(tmp_path / "out")])
    assert res.exit_code == 0
    assert "stage runtime skipped: --no-runtime" in res.stderr and "stage judge skipped: --no-judge" in res.stderr
    runs = tmp_path / "runs"
    shutil.copytree(places["repo"], runs / "one")
    res = runner.invoke(app, ["grade-many", str(runs), "-r", "rails-rubyllm-v1", "--no-runtime", "--no-judge",
                              "-o", str(tmp_path / "board")])
    line = next(x for x in res.stderr.splitlines() if x.startswith("[1/1] one: "))
    assert line.endswith("(runtime skipped; judge skipped)"), line  # the terminal names them too
    row = next(csv.DictReader((tmp_path / "board" / "leaderboard.csv").open()))
    assert row["stage_problems"] == "runtime skipped; judge skipped"
    assert "runtime skipped; judge skipped" in (tmp_path / "board" / "leaderboard.md").read_text()


def test_manifest_build_creates_the_out_folder_and_names_a_folder_given_as_out(tmp_path):
    gem = tmp_path / "gem"
    (gem / "lib").mkdir(parents=True)
    (gem / "lib" / "ruby_llm.rb").write_text("module RubyLLM\n  def self.chat(model: nil)\n  end\nend\n")
    git = ["git", "-C", str(gem), "-c", "user.name=t", "-c", "user.email=t@example.com"]
    subprocess.run(["git", "init", "-q", str(gem)], check=True)
    subprocess.run([*git, "add", "."], check=True)
    subprocess.run([*git, "commit", "-q", "-m", "one"], check=True)
    subprocess.run([*git, "tag", "v1.0.0"], check=True)
    target = tmp_path / "deep" / "new" / "m.json"
    res = runner.invoke(app, ["manifest", "build", "--source", str(gem), "--version", "1.0.0", "--out", str(target)])
    assert res.exit_code == 0, res.output
    assert json.loads(target.read_text())["namespaces"]["RubyLLM"]["singleton_methods"]["chat"]
    res = runner.invoke(app, ["manifest", "build", "--source", str(gem), "--version", "1.0.0",
                              "--out", str(tmp_path / "deep")])
    assert res.exit_code == 2 and "is a folder" in res.stderr and "Traceback" not in res.output


def test_an_unknown_rubric_name_is_one_line(places):
    for args in (["rubric", "show", "no-such-rubric"], ["rubric", "validate", "no-such-rubric"]):
        res = runner.invoke(app, args)
        assert res.exit_code == 2
        assert res.stderr.strip().splitlines() == [
            "grader: no rubric file or named rubric 'no-such-rubric' (named rubrics: rails-rubyllm-v1, "
            "rails-rubyllm-v2)"], res.stderr


def test_an_unknown_release_in_the_operators_settings_stops_grade_before_it_starts(places, tmp_path, monkeypatch):
    (tmp_path / ".grader.toml").write_text('ruby-llm-version = "0.0.1"\n')
    monkeypatch.chdir(tmp_path)
    out = tmp_path / "out"
    res = runner.invoke(app, ["grade", places["repo"], "-r", "rails-rubyllm-v1", "--no-runtime", "--no-judge",
                              "-o", str(out)])
    assert res.exit_code == 2, res.output
    assert "ruby-llm-version in" in res.stderr and "'0.0.1' is not a known release" in res.stderr
    assert not out.exists()
    res = runner.invoke(app, ["grade", places["repo"], "-r", "rails-rubyllm-v1", "--no-runtime", "--no-judge",
                              "-o", str(out), "--ruby-llm-version", "1.6.2"])  # the flag wins over the file
    assert res.exit_code == 0, res.output
    assert json.loads((out / "report.json").read_text())["static"]["roots"][0]["ruby_llm_version"] == "1.6.2"


def test_the_judge_command_and_a_grade_say_the_same_missing_model_or_key(places, monkeypatch):
    """One decision (judge.options.cannot_judge): `grader judge` stops on it, a grade's judge stage is
    skipped with it; the words differ only by what happens next."""
    from grader.judge.options import build_options, cannot_judge, missing_key_reason

    monkeypatch.delenv("NOSUCHPROVIDER_API_KEY", raising=False)
    for models in ([], ["nosuchprovider/m"]):
        cannot = cannot_judge(build_options(models))
        assert missing_key_reason(build_options(models)) == f"{cannot.what}: judge criteria pending"
        args = ["judge", places["repo"], "-r", "rails-rubyllm-v1"] + [a for m in models for a in ("--judge-model", m)]
        res = runner.invoke(app, args)
        assert res.exit_code == 2 and res.output.strip() == f"grader: {cannot.stop}", res.output
    assert cannot_judge(build_options(["nosuchprovider/m"], api_base="http://127.0.0.1:9/v1")) is None
    assert cannot_judge(build_options(["ollama/llama3"])) is None  # a provider that needs no key
