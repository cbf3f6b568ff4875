"""Runtime facts: ids match the catalog, unmeasured values are null with a reason."""

from importlib import resources

import yaml

from grader.runtime.facts import runtime_facts
from grader.runtime.models import RuntimeReport, StepStatus


def _catalog_ids() -> set[str]:
    data = yaml.safe_load(resources.files("grader.runtime").joinpath("fact_catalog.yaml").read_text())
    return {f["id"] for f in data["facts"]}


def test_emitted_ids_match_the_catalog():
    ids = [f.id for f in runtime_facts(RuntimeReport())]
    assert len(ids) == len(set(ids))
    assert set(ids) == _catalog_ids()


def test_skipped_stage_gives_null_values_with_notes():
    report = RuntimeReport(status=StepStatus.skipped, skipped_reason="no Docker daemon reachable: start dockerd")
    report.tests.status, report.tests.reason = StepStatus.skipped, report.skipped_reason
    facts = {f.id: f for f in runtime_facts(report)}
    assert facts["runtime.status"].value == "skipped"
    assert "no Docker daemon" in facts["runtime.status"].note
    assert facts["runtime.tests.failures"].value is None
    assert "skipped" in facts["runtime.tests.failures"].note
    assert facts["runtime.tests.ok"].value is None  # never ran: unknown, not False


def test_measured_values_come_through():
    report = RuntimeReport(status=StepStatus.ok)
    report.boot.status, report.boot.http_status, report.boot.turbo = StepStatus.failed, 500, False
    report.tests.status, report.tests.failures, report.tests.line_coverage = StepStatus.failed, 2, 81.5
    report.gates.rubocop.status, report.gates.rubocop.clean, report.gates.rubocop.offenses = StepStatus.ok, False, 7
    report.gates.brakeman.status = StepStatus.not_run
    facts = {f.id: f.value for f in runtime_facts(report)}
    assert facts["runtime.boot.ok"] is False and facts["runtime.boot.http_status"] == 500
    assert facts["runtime.tests.failures"] == 2 and facts["runtime.tests.line_coverage"] == 81.5
    assert facts["runtime.gates.rubocop.offenses"] == 7 and facts["runtime.gates.rubocop.clean"] is False
    assert facts["runtime.gates.brakeman.status"] == "not_run" and facts["runtime.gates.brakeman.clean"] is None
