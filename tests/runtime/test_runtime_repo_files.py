"""Host files reached through a repo's symlinks are never read."""

import os

from grader.runtime.compose import check_compose
from grader.runtime.models import StepStatus
from grader.runtime.profiles import ruby_version
from grader.runtime.repo_files import inside_repo, read_repo_text


def _host_file(tmp_path, text):
    path = tmp_path / "host" / "secret.txt"
    path.parent.mkdir()
    path.write_text(text)
    return path


def test_symlink_out_of_the_repo_reads_nothing(tmp_path):
    secret = _host_file(tmp_path, "ruby-3.9.9 TOP-SECRET")
    repo = tmp_path / "repo"
    (repo / "sub").mkdir(parents=True)
    (repo / "sub" / "ok.txt").write_text("fine")
    os.symlink(secret, repo / ".ruby-version")
    os.symlink("sub/ok.txt", repo / "inner-link")
    os.symlink("loop", repo / "loop")
    assert read_repo_text(repo, ".ruby-version") is None
    assert ruby_version(repo) is None
    assert read_repo_text(repo, "inner-link") == "fine"  # a link inside the repo is fine
    assert inside_repo(repo, "loop") is None and inside_repo(repo, "missing") is None
    assert inside_repo(repo, "sub") is None  # folders are not files


def test_compose_symlink_to_host_file_is_not_parsed(tmp_path):
    secret = _host_file(tmp_path, "services: {leak: {image: TOP-SECRET}}")
    repo = tmp_path / "repo"
    repo.mkdir()
    os.symlink(secret, repo / "compose.yaml")
    step = check_compose(repo, 5)
    assert step.status is StepStatus.failed and step.file is None
    assert "TOP-SECRET" not in step.model_dump_json()


LOCK = """GIT
  remote: https://github.com/someone/rubocop.git
  revision: abc
  specs:
    {git_gem} (1.0.0)

PATH
  remote: vendor/fake
  specs:
    {path_gem} (9.9.9)

GEM
  remote: {remote}
  specs:
    brakeman (6.1.2)
      racc
    rubocop (1.60.0)
      json (~> 2.3)

PLATFORMS
  ruby

DEPENDENCIES
  brakeman
  rubocop
"""


def _lock(tmp_path, remote="https://rubygems.org/", git_gem="other", path_gem="another"):
    (tmp_path / "Gemfile.lock").write_text(LOCK.format(remote=remote, git_gem=git_gem, path_gem=path_gem))
    return tmp_path


def test_gate_gems_only_bundled_from_rubygems(tmp_path):
    from grader.runtime.repo_files import gem_from_registry

    repo = _lock(tmp_path)
    assert gem_from_registry(repo, "rubocop") and gem_from_registry(repo, "brakeman")
    assert not gem_from_registry(repo, "json")  # a dependency line (6 spaces), not a locked spec here
    assert not gem_from_registry(repo, "bundler-audit")
    assert not gem_from_registry(_lock(tmp_path, path_gem="rubocop"), "rubocop")  # vendored fake
    assert not gem_from_registry(_lock(tmp_path, git_gem="rubocop"), "rubocop")
    assert not gem_from_registry(_lock(tmp_path, remote="https://gems.evil.example/"), "rubocop")
    assert not gem_from_registry(tmp_path / "nowhere", "rubocop")
