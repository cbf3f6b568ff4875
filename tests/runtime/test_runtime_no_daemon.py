"""Without a Docker daemon the stage is skipped with a one-line fix; `grader check` never loads docker."""

import json
import subprocess
import sys
from pathlib import Path

from grader.runtime import RuntimeOptions, StepStatus, run_runtime

ROOT = Path(__file__).parents[2]
FIXTURES = ROOT / "tests" / "fixtures" / "runtime"


def test_no_daemon_skips_with_the_fix(monkeypatch, tmp_path):
    monkeypatch.setenv("DOCKER_HOST", f"unix://{tmp_path}/no-such-docker.sock")
    report = run_runtime(FIXTURES / "rack_green", RuntimeOptions())
    assert report.status is StepStatus.skipped
    assert "no Docker daemon" in report.skipped_reason and "--no-runtime" in report.skipped_reason
    assert "\n" not in report.skipped_reason
    assert report.boot.status is StepStatus.skipped and report.tests.status is StepStatus.skipped


def test_cli_reports_skip_with_exit_3(tmp_path):
    env = {"PATH": "/usr/bin:/bin", "DOCKER_HOST": f"unix://{tmp_path}/none.sock"}
    proc = subprocess.run([sys.executable, "-m", "grader.runtime", "run", str(FIXTURES / "rack_green"), "--json"],
                          cwd=ROOT, env=env, capture_output=True, text=True, timeout=60)
    assert proc.returncode == 3, proc.stderr
    assert json.loads(proc.stdout)["status"] == "skipped"


def test_missing_folder_is_reported_not_raised(tmp_path):
    report = run_runtime(tmp_path / "nope", RuntimeOptions())
    assert report.status is StepStatus.failed and "not a folder" in report.skipped_reason


def test_cli_and_runtime_package_import_no_docker():
    code = ("import sys, grader.cli, grader.runtime, grader.runtime.cli, grader.runtime.models; "
            "from grader.runtime import RuntimeOptions, runtime_facts; "
            "assert 'docker' not in sys.modules, 'docker imported'")
    subprocess.run([sys.executable, "-c", code], check=True, cwd=Path(ROOT), timeout=60)

