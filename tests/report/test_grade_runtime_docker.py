"""Grading with the runtime stage on a real Docker engine: the report carries the runtime object,
and runtime facts decide their rules (a measured fact is never left pending, an unmeasured one
never passes)."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

pytestmark = [pytest.mark.docker, pytest.mark.slow]

FIXTURE = Path(__file__).parents[1] / "fixtures" / "runtime" / "rails_chat"
BASE_IMAGE = os.environ.get("GRADER_BASE_IMAGE", "grader-base:bookworm")


@pytest.fixture(scope="module")
def docker_ready():
    import docker
    import requests

    try:
        client = docker.from_env(version="auto", timeout=30)
        client.ping()
        client.images.get(BASE_IMAGE)
    except (docker.errors.DockerException, requests.RequestException) as exc:
        pytest.skip(f"no Docker daemon with {BASE_IMAGE} ({type(exc).__name__}); run .ci/docker-setup.sh and "
                    "scripts/build_base_image.sh")
    client.close()


def test_grade_with_runtime_reports_and_decides_runtime_rules(docker_ready, tmp_path):
    from grader.pipeline import GradeOptions, grade

    report = grade(str(FIXTURE), "rails-rubyllm-v1", tmp_path, GradeOptions(runtime=True, base_image=BASE_IMAGE))
    stage = report.stage("runtime")
    assert stage is not None and stage.status in ("ok", "partial"), stage
    data = json.loads((tmp_path / "report.json").read_text())
    rt = data["runtime"]
    for key in ("build", "test_image", "boot", "tests", "gates", "compose"):
        assert key in rt and "status" in (rt[key] if key != "gates" else rt[key]["rubocop"])
    assert {"http_status", "ready_seconds"} <= set(rt["boot"])
    assert {"runs", "assertions", "failures", "errors", "skips", "line_coverage", "branch_coverage"} <= set(rt["tests"])
    facts = {f["id"]: f["value"] for f in data["facts"]}
    pending = {p["id"] for d in data["dimensions"] for p in d["pending"]}
    applied = {x["id"] for d in data["dimensions"] for x in d["deductions"]}
    for rule, fact_id in (("validation_phase_failed", "runtime.boot.ok"),):
        if facts[fact_id] is None:
            assert rule in pending
        else:
            assert rule not in pending
            assert (rule in applied) == (facts[fact_id] is False)
    assert "## Runtime" in (tmp_path / "report.md").read_text()
    assert report.arithmetic_check.ok
