"""The settings file: one loader, where each command looks, and one-line errors for bad files."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from grader.cli import app
from grader.core.config import (
    ConfigError,
    config_for_check,
    config_for_operator,
    load_file,
    parse_settings,
)

FULL = """
exclude = ["vendor/**", "spec/fixtures"]
disable = ["rubyllm/dynamic-call", "bypass"]
ruby-llm-version = "1.6.2"
baseline = "grader-baseline.json"

[severity]
"rubyllm/unknown-method" = "warning"

[runtime]
build-network = true
gem-mirror = "http://gems.internal:9292"
base-image = "grader-base:bookworm"
"""


def test_every_documented_key_is_read():
    s = parse_settings(FULL, ".grader.toml", pyproject=False)
    assert s.exclude == ["vendor/**", "spec/fixtures"]
    assert s.disable == ["rubyllm/dynamic-call", "bypass"]
    assert s.severity == {"rubyllm/unknown-method": "warning"}
    assert s.ruby_llm_version == "1.6.2" and s.baseline == "grader-baseline.json"
    assert s.runtime.build_network is True
    assert s.runtime.gem_mirror == "http://gems.internal:9292"
    assert s.runtime.base_image == "grader-base:bookworm"


def test_pyproject_table_and_pyproject_without_one():
    text = "[project]\nname = 'x'\n\n[tool.grader]\ndisable = ['unknown-method']\n"
    assert parse_settings(text, "pyproject.toml", pyproject=True).disable == ["unknown-method"]
    assert parse_settings("[project]\nname = 'x'\n", "pyproject.toml", pyproject=True) is None


@pytest.mark.parametrize("text, words", [
    ("exclud = ['x']", "exclud: unknown key"),
    ("[severity]\n'rubyllm/unknown-method' = 'fatal'", "severity.rubyllm/unknown-method"),
    ("[runtime]\ngem-mirror = 'ftp://x'", "runtime.gem-mirror: must be an http(s) URL"),
    ("[runtime]\nbuild-network = 'yes please'", "runtime.build-network"),
    ("disable = 'unknown-method'", "disable: Input should be a valid list"),
    ("disable = ['']", "disable: entries must not be empty"),
    ("exclude = [", "not valid TOML"),
])
def test_bad_settings_are_one_line_naming_file_and_key(text, words):
    with pytest.raises(ConfigError) as err:
        parse_settings(text, "/repo/.grader.toml", pyproject=False)
    message = str(err.value)
    assert words in message and message.startswith("/repo/.grader.toml") and "\n" not in message


def test_grader_toml_wins_over_pyproject_and_check_prefers_the_checked_folder(tmp_path):
    repo, cwd = tmp_path / "repo", tmp_path / "elsewhere"
    repo.mkdir(), cwd.mkdir()
    (repo / "pyproject.toml").write_text("[tool.grader]\ndisable = ['from-pyproject']\n")
    (cwd / ".grader.toml").write_text("disable = ['from-cwd']\n")
    assert config_for_check(None, repo, cwd).settings.disable == ["from-pyproject"]
    (repo / ".grader.toml").write_text("disable = ['from-grader-toml']\n")
    loaded = config_for_check(None, repo, cwd)
    assert loaded.settings.disable == ["from-grader-toml"] and loaded.path == repo / ".grader.toml"
    assert config_for_check(None, tmp_path / "nothing-here", cwd).settings.disable == ["from-cwd"]
    assert config_for_check(cwd / ".grader.toml", repo, cwd).settings.disable == ["from-cwd"]


def test_a_checked_repos_linked_settings_file_is_refused(tmp_path):
    outside = tmp_path / "secret.toml"
    outside.write_text("disable = ['unknown-method']\n")
    repo = tmp_path / "repo"
    repo.mkdir()
    (repo / ".grader.toml").symlink_to(outside)
    with pytest.raises(ConfigError, match="symbolic link not followed"):
        config_for_check(None, repo, tmp_path)


def test_operator_settings_never_come_from_the_graded_repo(tmp_path):
    repo, ops = tmp_path / "repo", tmp_path / "ops"
    (repo / "app").mkdir(parents=True), ops.mkdir()
    (repo / ".grader.toml").write_text("[runtime]\nbuild-network = true\n")
    (ops / ".grader.toml").write_text("[runtime]\ngem-mirror = 'https://gems.ops.example'\n")
    from_ops = config_for_operator(None, [repo], cwd=ops)
    assert from_ops.settings.runtime.gem_mirror == "https://gems.ops.example"
    assert from_ops.settings.runtime.build_network is False
    # `grader grade .` from inside the repo: its file is the repo's, so it is not read
    for here in (repo, repo / "app"):
        inside = config_for_operator(None, [repo], cwd=here)
        assert inside.path is None and inside.settings.runtime.build_network is False
        assert "inside the graded repo" in inside.note


def test_explicit_file_errors(tmp_path):
    with pytest.raises(ConfigError, match="no such file"):
        load_file(tmp_path / "missing.toml")
    (tmp_path / "pyproject.toml").write_text("[project]\nname='x'\n")
    with pytest.raises(ConfigError, match=r"has no \[tool.grader\] table"):
        load_file(tmp_path / "pyproject.toml")


def test_runtime_options_take_flags_first_then_settings():
    from grader.commands.options import runtime_options

    settings = parse_settings(FULL, "x", pyproject=False)
    from_file = runtime_options(settings, None, None, None)
    assert (from_file.build_network, from_file.gem_mirror, from_file.base_image) == (
        True, "http://gems.internal:9292", "grader-base:bookworm")
    flags = runtime_options(settings, "other:img", False, "https://m.example")
    assert (flags.build_network, flags.gem_mirror, flags.base_image) == (False, "https://m.example", "other:img")


runner = CliRunner()


@pytest.mark.parametrize("argv", [
    ["grade", "{repo}", "-r", "rails-rubyllm-v1", "-o", "{out}", "--no-runtime", "--no-judge", "--config", "{bad}"],
    ["grade-many", "{base}", "-r", "rails-rubyllm-v1", "-o", "{out}", "--no-runtime", "--config", "{bad}"],
    ["runtime", "run", "{repo}", "--config", "{bad}"],
    ["check", "{repo}", "--config", "{bad}"],
])
def test_every_command_with_a_bad_settings_file_exits_2_in_one_line(tmp_path, argv):
    repo = tmp_path / "repo"
    repo.mkdir()
    (repo / "Gemfile").write_text("gem 'ruby_llm'\n")
    bad = tmp_path / "bad.toml"
    bad.write_text("[runtime]\nbuild-netwrok = true\n")
    places = {"repo": str(repo), "out": str(tmp_path / "out"), "bad": str(bad), "base": str(tmp_path)}
    res = runner.invoke(app, [a.format(**places) for a in argv])
    assert res.exit_code == 2, res.output
    assert "Traceback" not in res.output
    assert f"grader: {bad}: runtime.build-netwrok: unknown key" in res.output.strip().splitlines()


def test_grade_ignores_the_graded_repos_settings_file(tmp_path, monkeypatch):
    """A graded repo's broken or hostile .grader.toml is never read by `grade`."""
    repo = tmp_path / "repo"
    (repo / "app").mkdir(parents=True)
    (repo / "Gemfile").write_text("gem 'ruby_llm'\n")
    (repo / "app" / "chat.rb").write_text("class Chat\n  def go = RubyLLM.chat.ask('x')\nend\n")
    (repo / ".grader.toml").write_text("this is not toml = = =\n")
    ops = tmp_path / "ops"
    ops.mkdir()
    monkeypatch.chdir(ops)
    res = runner.invoke(app, ["grade", str(repo), "-r", "rails-rubyllm-v1", "-o", str(tmp_path / "o1"),
                              "--no-runtime", "--no-judge"])
    assert res.exit_code == 0, res.output
    monkeypatch.chdir(repo)
    res = runner.invoke(app, ["grade", ".", "-r", "rails-rubyllm-v1", "-o", str(tmp_path / "o2"),
                              "--no-runtime", "--no-judge"])
    assert res.exit_code == 0, res.output
    assert "inside the graded repo" in res.output
    assert Path(tmp_path / "o2" / "report.json").is_file()
