"""Generation from a real git repository (the fixture gem committed and tagged in a temp repo)."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest
from typer.testing import CliRunner

from static_checks.manifest.cli import manifest_app
from static_checks.manifest.generate import gemspec_deps, generate, release_tags
from static_checks.manifest.history import manifest_at, read_history

FIXTURE = Path(__file__).resolve().parent.parent / "fixtures" / "gems" / "toy_llm"
GEMSPEC = """Gem::Specification.new do |spec|
  spec.name = 'toy_llm'
  spec.add_dependency 'faraday', '>= 1.10.0'
  spec.add_dependency "ruby_llm-schema", "~> 0.2.1"
  spec.add_dependency 'zeitwerk'
end
"""


def _git(repo: Path, *args: str) -> None:
    subprocess.run(["git", "-C", str(repo), *args], check=True, capture_output=True)


@pytest.fixture(scope="module")
def gem_repo(tmp_path_factory) -> Path:
    repo = tmp_path_factory.mktemp("toy_repo")
    _git(repo, "init", "-q")
    _git(repo, "config", "user.email", "t@example.com")
    _git(repo, "config", "user.name", "t")
    shutil.copytree(FIXTURE / "lib", repo / "lib")
    (repo / "toy_llm.gemspec").write_text(GEMSPEC)
    _git(repo, "add", ".")
    _git(repo, "commit", "-q", "-m", "one")
    for tag in ("v0.1.0", "0.2.0rc1"):
        _git(repo, "tag", tag)
    (repo / "lib" / "toy_llm" / "later.rb").write_text("module ToyLLM\n  class Later\n    def hi; end\n  end\nend\n")
    _git(repo, "add", ".")
    _git(repo, "commit", "-q", "-m", "two")
    _git(repo, "tag", "0.2.0")
    return repo


def test_release_tags_skip_prereleases(gem_repo):
    assert release_tags(gem_repo) == [("v0.1.0", "0.1.0"), ("0.2.0", "0.2.0")]


def test_gemspec_dependencies(gem_repo):
    assert gemspec_deps(gem_repo, "0.2.0") == {
        "faraday": ">= 1.10.0", "ruby_llm-schema": "~> 0.2.1", "zeitwerk": ">= 0"}


def test_history_from_tags(gem_repo, tmp_path):
    out = generate(gem_repo, "toy_llm", tmp_path / "toy.json.gz")
    data = read_history(out)
    assert [v["version"] for v in data["versions"]] == ["0.1.0", "0.2.0"]
    assert all(len(v["commit"]) == 40 for v in data["versions"])
    assert "ToyLLM::Later" not in manifest_at(data, "0.1.0").namespaces
    assert "hi" in manifest_at(data, "0.2.0").namespaces["ToyLLM::Later"].instance_methods
    # deterministic: regenerating gives the same bytes
    again = generate(gem_repo, "toy_llm", tmp_path / "again.json.gz")
    assert again.read_bytes() == out.read_bytes()


def test_cli_build_one_version(gem_repo, tmp_path):
    runner = CliRunner()
    target = tmp_path / "m.json"
    res = runner.invoke(
        manifest_app,
        ["build", "--source", str(gem_repo), "--gem", "toy_llm", "--version", "0.1.0", "--out", str(target)],
    )
    assert res.exit_code == 0, res.output
    data = json.loads(target.read_text())
    assert data["version"] == "0.1.0" and "ToyLLM::Chat" in data["namespaces"]
    assert "default_model" in data["config_options"]


def test_cli_build_unknown_version_lists_releases(gem_repo):
    res = CliRunner().invoke(manifest_app, ["build", "--source", str(gem_repo), "--version", "9.9.9"])
    assert res.exit_code != 0
    assert "0.1.0" in res.output and "0.2.0" in res.output
