"""The kernel type-checks: mypy on grader/core passes (skipped when mypy is not installed)."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def test_mypy_passes_on_the_kernel():
    pytest.importorskip("mypy")
    cmd = [sys.executable, "-m", "mypy", "--no-incremental", "--cache-dir", "/dev/null", "grader/core"]
    if shutil.which(cmd[0]) is None:
        pytest.skip("no python to run mypy with")
    proc = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, proc.stdout + proc.stderr
