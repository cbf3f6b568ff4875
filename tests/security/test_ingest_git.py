"""Hostile git sources: config the repo or a local user plants must never reach the git we run,
and only the allowed protocols and plain refs are accepted (issue 11, item 1)."""

from __future__ import annotations

import subprocess
import tempfile
from pathlib import Path

import pytest

from grader.ingest import IngestError, ingest


def _git(cwd: Path, *args: str) -> str:
    env = {"PATH": "/usr/bin:/bin", "HOME": str(cwd), "GIT_CONFIG_NOSYSTEM": "1", "GIT_CONFIG_GLOBAL": "/dev/null"}
    return subprocess.run(["git", *args], cwd=cwd, check=True, capture_output=True, text=True, env=env).stdout.strip()


def _repo_with(tmp_path: Path, files: dict[str, str]) -> Path:
    src = tmp_path / "src"
    src.mkdir()
    _git(src, "init", "-q", "-b", "main")
    for rel, text in files.items():
        (src / rel).write_text(text)
    _git(src, "add", ".")
    _git(src, "-c", "user.email=t@example.invalid", "-c", "user.name=t", "commit", "-qm", "one")
    return src


def _hostile_config(target: Path, hook_dir: Path | None = None) -> str:
    """trace2 appends git's event text to any path; a hooksPath would run our planted hook."""
    text = f"[trace2]\n\tnormalTarget = {target}\n\teventTarget = {target}.event\n"
    if hook_dir is not None:
        text += f"[core]\n\thooksPath = {hook_dir}\n"
    return text


def test_repo_gitconfig_is_never_read_as_global_config(tmp_path):
    target = tmp_path / "written-by-trace2"
    src = _repo_with(tmp_path, {".gitconfig": _hostile_config(target), "app.rb": "puts 1\n"})
    with ingest(f"file://{src}") as repo:
        assert (repo.path / ".gitconfig").exists()  # the file is content like any other
        assert repo.commit
    assert not target.exists()
    assert not Path(f"{target}.event").exists()


def test_gitconfig_planted_in_the_shared_temp_dir_is_ignored(tmp_path, monkeypatch):
    shared_tmp = tmp_path / "shared-tmp"
    shared_tmp.mkdir()
    target = tmp_path / "written-by-trace2"
    hooks = tmp_path / "hooks"
    hooks.mkdir()
    ran = tmp_path / "hook-ran"
    hook = hooks / "post-checkout"
    hook.write_text(f"#!/bin/sh\ntouch {ran}\n")
    hook.chmod(0o755)
    (shared_tmp / ".gitconfig").write_text(_hostile_config(target, hooks))
    monkeypatch.setattr(tempfile, "tempdir", str(shared_tmp))
    # The grading user's own global config and environment are not consulted either.
    user_home = tmp_path / "user-home"
    user_home.mkdir()
    (user_home / ".gitconfig").write_text(_hostile_config(target, hooks))
    monkeypatch.setenv("HOME", str(user_home))
    monkeypatch.setenv("GIT_CONFIG_GLOBAL", str(user_home / ".gitconfig"))
    monkeypatch.setenv("GIT_TRACE2", str(target))
    src = _repo_with(tmp_path, {"app.rb": "puts 1\n"})
    with ingest(f"file://{src}") as repo:
        assert (repo.path / "app.rb").read_text() == "puts 1\n"
        assert str(repo.path).startswith(str(shared_tmp))  # the planted file sat right beside it
    assert not target.exists()
    assert not ran.exists()


@pytest.mark.parametrize("url", ["git://example.invalid/app.git", "http://example.invalid/app.git"])
def test_unencrypted_protocols_are_refused_before_git_runs(url):
    with pytest.raises(IngestError, match="not allowed"):
        with ingest(url):
            pass


def test_option_shaped_refs_and_urls_are_refused(tmp_path):
    src = _repo_with(tmp_path, {"app.rb": "puts 1\n"})
    marker = tmp_path / "upload-pack-ran"
    with pytest.raises(IngestError, match="not a commit or ref name"):
        with ingest(f"file://{src}#--upload-pack=touch {marker}"):
            pass
    assert not marker.exists()


def test_redirect_to_a_disallowed_transport_is_refused_by_git(tmp_path):
    # `ext::` runs a command; git itself refuses it because only https/ssh/file are allowed.
    marker = tmp_path / "ext-ran"
    src = _repo_with(tmp_path, {".gitmodules": f'[submodule "x"]\n\tpath = x\n\turl = ext::sh -c touch% {marker}\n'})
    with ingest(f"file://{src}") as repo:
        assert repo.kind == "git"
    assert not marker.exists()
