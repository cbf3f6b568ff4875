"""A git source that fails shows git's whole message, on one line, exit 2 (issue 12 item 4)."""

from __future__ import annotations

import shutil
import subprocess

import pytest
from typer.testing import CliRunner

from grader.cli import app

pytestmark = pytest.mark.skipif(shutil.which("git") is None, reason="needs git: apt-get install git")
runner = CliRunner()


def test_clone_and_checkout_errors_show_all_of_gits_message(tmp_path):
    missing = runner.invoke(app, ["check", f"file://{tmp_path}/no-such-repo.git"])
    assert missing.exit_code == 2
    (line,) = missing.output.strip().splitlines()
    assert line.startswith("grader: git clone failed: fatal: ")
    # git's last sentence too, not only its first line
    assert line.endswith("Please make sure you have the correct access rights and the repository exists.")

    src = tmp_path / "src"
    src.mkdir()
    (src / "Gemfile").write_text('gem "ruby_llm"\n')
    for args in (["init", "-q"], ["add", "-A"], ["-c", "user.name=t", "-c", "user.email=t@e", "commit", "-qm", "x"]):
        subprocess.run(["git", *args], cwd=src, check=True, capture_output=True)
    ref = "0123456789abcdef0123456789abcdef01234567"
    bad_ref = runner.invoke(app, ["check", f"file://{src}@{ref}"])
    assert bad_ref.exit_code == 2
    assert bad_ref.output.strip() == f"grader: git checkout failed: fatal: reference is not a tree: {ref}"
