"""Property-based requests generated from the OpenAPI schema (schemathesis): no input gets a 5xx,
and every error is the JSON error body. Bounded examples per operation keep it well under a minute."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given
from hypothesis import settings as hsettings

from helpers import wait_for

schemathesis = pytest.importorskip("schemathesis")
EXAMPLES = 20


def test_no_server_errors_on_generated_requests(client_factory, good_app_tgz):
    # One real finished job, so that generated requests also meet an existing job and its report.
    grading = client_factory(workers=1)
    r = grading.post("/api/v1/jobs", files={"archive": ("good_app.tar.gz", good_app_tgz)},
                     data={"rubric": "rails-rubyllm-v2", "runtime": "false"})
    assert r.status_code == 202
    wait_for(lambda: grading.get(r.json()["links"]["self"]).json()["status"] == "done", 120, what="the seed job")
    grading.__exit__(None, None, None)
    # Then no worker: generated git URLs are stored, never cloned.
    client = client_factory(workers=0)
    schema = schemathesis.openapi.from_asgi("/api/v1/openapi.json", client.app)
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= 10
    failures: list[str] = []
    seen: set[tuple[str, int]] = set()

    job_id = r.json()["id"]

    def with_real_job(case):
        if "job_id" in (case.path_parameters or {}):
            case.path_parameters["job_id"] = job_id
        return case

    for operation, strategy in [(op, op.as_strategy()) for op in operations] + [
            (op, op.as_strategy().map(with_real_job)) for op in operations if "{job_id}" in op.path]:
        @given(case=strategy)
        @hsettings(max_examples=EXAMPLES, deadline=None, database=None, suppress_health_check=list(HealthCheck))
        def check(case):
            response = case.call()
            seen.add((operation.label, response.status_code))  # noqa: B023 - used within this iteration
            if response.status_code >= 500:
                failures.append(f"{case.method} {case.formatted_path} -> {response.status_code}: {response.text[:200]}")
            elif response.status_code >= 400 and "error" not in response.json():
                failures.append(f"{case.method} {case.formatted_path}: error without the JSON error body")

        check()
    assert not failures, "\n".join(failures[:10])
    # The generated requests reached both accepted and refused paths.
    statuses = {status for _, status in seen}
    assert any(s < 300 for s in statuses) and any(400 <= s < 500 for s in statuses), seen
