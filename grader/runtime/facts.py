"""Runtime facts for the rubric engine: one Fact per measured value, ids under `runtime.`.

A value the stage could not measure is emitted as None with a note (never a silent false/zero).
The ids and their meanings are listed in fact_catalog.yaml; a test keeps code and catalog in step.
"""

from __future__ import annotations

from static_checks.models import Fact

from grader.runtime.models import GateResult, RuntimeReport, Step, StepStatus

RULE = "runtime"
_GATE_COUNTS = {
    "rubocop": ("offenses",),
    "brakeman": ("warnings", "ignored_warnings"),
    "bundle_audit": ("vulnerabilities",),
}


def _fact(fid: str, value, step: Step | None = None, note: str | None = None) -> Fact:
    if value is None and note is None and step is not None:
        note = f"not measured: step {step.status.value}" + (f" ({step.reason})" if step.reason else "")
    return Fact(id=fid, value=value, rule=RULE, note=note)


def _ok(step: Step) -> bool | None:
    """True/False when the step ran to a verdict; None when it never ran (skipped / not applicable)."""
    if step.status in (StepStatus.ok,):
        return True
    if step.status in (StepStatus.failed, StepStatus.timeout):
        return False
    return None


def runtime_facts(report: RuntimeReport) -> list[Fact]:
    facts = [
        _fact("runtime.status", report.status.value, note=report.skipped_reason),
        _fact("runtime.profile", report.profile, note=None if report.profile else "no profile selected"),
    ]
    for name in ("build", "test_image", "boot", "tests", "compose"):
        step: Step = getattr(report, name)
        facts.append(_fact(f"runtime.{name}.status", step.status.value, note=step.reason))
        facts.append(_fact(f"runtime.{name}.ok", _ok(step), step))
    boot = report.boot
    for attr in ("http_status", "ready_seconds", "turbo", "stimulus", "chat_form"):
        facts.append(_fact(f"runtime.boot.{attr}", getattr(boot, attr), boot))
    tests = report.tests
    facts.append(_fact("runtime.tests.framework", tests.framework, tests))
    for attr in ("runs", "assertions", "failures", "errors", "skips", "line_coverage", "branch_coverage"):
        facts.append(_fact(f"runtime.tests.{attr}", getattr(tests, attr), tests))
    for name, counts in _GATE_COUNTS.items():
        gate: GateResult = getattr(report.gates, name)
        facts.append(_fact(f"runtime.gates.{name}.status", gate.status.value, note=gate.reason))
        facts.append(_fact(f"runtime.gates.{name}.clean", gate.clean, gate))
        for attr in counts:
            facts.append(_fact(f"runtime.gates.{name}.{attr}", getattr(gate, attr), gate))
    tampering = tests.tampering + [t for g in (report.gates.rubocop, report.gates.brakeman, report.gates.bundle_audit)
                                   for t in g.tampering]
    facts.append(_fact("runtime.tampering", tampering or None,
                       note=None if tampering else "no attempt to forge results seen"))
    compose = report.compose
    facts.append(_fact("runtime.compose.file", compose.file, compose))
    facts.append(_fact("runtime.compose.valid", compose.valid, compose))
    facts.append(_fact("runtime.compose.up.status", compose.up.status.value, note=compose.up.reason))
    facts.append(_fact("runtime.compose.up.ok", _ok(compose.up), compose.up))
    return facts
