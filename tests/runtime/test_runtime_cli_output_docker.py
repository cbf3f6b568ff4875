"""`grader runtime run` at 80 columns keeps every step's detail whole: one plain line per step when piped,
a table whose long words fold (never cut with an ellipsis) on a terminal. The real CLI, on a real run."""

from __future__ import annotations

import os
import pty
import re
import subprocess
import sys
import uuid

import pytest

pytestmark = pytest.mark.docker

# A base image name longer than the table's detail column: the repo's Dockerfile build is refused offline
# and its reason quotes the name.
IMAGE = "registry.invalid/some-team/a-very-long-base-image-name-for-grader-cli-tests:3.3.7-slim-bookworm"
ANSI = re.compile(r"\x1b\[[0-9;]*m")


def _read_some(fd: int) -> bytes:
    try:
        return os.read(fd, 65536)
    except OSError:  # EIO: the child closed the terminal
        return b""


@pytest.fixture
def long_detail_repo(tmp_path):
    (tmp_path / "config.ru").write_text("run ->(_e) { [200, {'content-type' => 'text/html'}, ['<h1>hi</h1>']] }\n")
    (tmp_path / "Dockerfile").write_text(f"FROM {IMAGE}\n")
    (tmp_path / "test").mkdir()
    (tmp_path / "test" / "one_test.rb").write_text(
        'require "minitest/autorun"\nclass OneTest < Minitest::Test\n  def test_one\n    assert true\n  end\nend\n')
    return tmp_path


def test_piped_output_is_one_whole_line_per_step(docker_client, base_image, long_detail_repo, kit):
    run_id = "cli-pipe-" + uuid.uuid4().hex[:6]
    proc = subprocess.run([sys.executable, "-m", "grader.runtime", "run", str(long_detail_repo), "--base-image",
                           base_image, "--run-id", run_id], env={**os.environ, "COLUMNS": "80"},
                          capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr
    lines = proc.stdout.splitlines()
    by_step = {line.split("  ")[0]: line for line in lines[1:]}
    assert list(by_step) == ["build", "test image", "boot", "tests", "rubocop", "brakeman", "bundle-audit", "compose",
                             "compose up"], proc.stdout
    build = by_step["build"].split()
    assert build[1] == "skipped" and IMAGE in build and by_step["build"].endswith("--build-network)")
    assert re.search(r"HTTP 200 ready [\d.]+s turbo=\w+ stimulus=\w+ chat_form=\w+$", by_step["boot"])
    assert re.search(r"1 runs, 1 assertions, 0 failures, 0 errors, 0 skips; line \S+% branch \S+%$", by_step["tests"])
    assert "…" not in proc.stdout and max(len(line) for line in lines) > 80  # kept whole, not fitted to 80
    kit.assert_nothing_left(docker_client, run_id)


def test_a_terminal_80_columns_wide_folds_long_words_instead_of_cutting_them(docker_client, base_image,
                                                                            long_detail_repo, kit):
    run_id = "cli-tty-" + uuid.uuid4().hex[:6]
    leader, follower = pty.openpty()
    try:
        proc = subprocess.Popen([sys.executable, "-m", "grader.runtime", "run", str(long_detail_repo),
                                 "--base-image", base_image, "--run-id", run_id],
                                env={**os.environ, "COLUMNS": "80", "NO_COLOR": "1", "TERM": "xterm"},
                                stdin=subprocess.DEVNULL, stdout=follower, stderr=subprocess.PIPE)
        os.close(follower)
        out = b"".join(iter(lambda: _read_some(leader), b""))
        assert proc.wait(timeout=300) == 0, proc.stderr.read()
    finally:
        os.close(leader)
    text = ANSI.sub("", out.decode())
    lines = text.splitlines()
    assert "│" in text and max(len(line) for line in lines) <= 80, text
    assert "…" not in text
    # The build row's detail cells, joined: the long name is all there, folded across lines.
    cells, in_build = [], False
    for line in lines:
        parts = [part.strip() for part in line.split("│")]
        if len(parts) < 6:
            continue
        if parts[1]:
            in_build = parts[1] == "build"
        if in_build:
            cells.append(parts[4])
    assert IMAGE in "".join(cells), cells
    kit.assert_nothing_left(docker_client, run_id)
