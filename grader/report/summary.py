"""Words about a report shared by the Markdown and HTML renderers (one place, no drift)."""

from __future__ import annotations

from dataclasses import dataclass

from static_checks.models import Finding

from grader.report.model import GradeReport
from grader.runtime.models import RuntimeReport
from grader.runtime.outcome import nothing_ran_reason
from grader.scoring.models import AppliedItem, DimensionScore


def fmt(x: float) -> str:
    return f"{x:g}"


def where(item: AppliedItem, limit: int = 3) -> str:
    from grader.report.words import place_label

    refs = [f"{e.file}:{e.line}" + (f" ({label})" if (label := place_label(e.snippet)) else "")
            for e in item.evidence[:limit]]
    more = len(item.evidence) - limit
    return ", ".join(refs) + (f" (+{more} more)" if more > 0 else "")


def one_line_summary(r: GradeReport) -> str:
    lost = sorted(r.dimensions, key=lambda d: d.lost_points, reverse=True)
    worst = [d for d in lost if d.lost_points > 0][:2]
    lost_txt = "; ".join(f"{d.title} -{fmt(d.lost_points)}" for d in worst) or "no points lost on facts"
    pend = f", {fmt(r.pending_points)} points pending" if r.pending_points else ""
    tier = f"tier {r.tier}" + (" (provisional)" if r.tier_provisional else "")
    return (f"{r.repo.name}: {fmt(r.total)}/{fmt(r.max_total)} earned on {r.rubric}{pend}, {tier}; "
            f"biggest losses: {lost_txt}.")


def _ratio(d: DimensionScore) -> float:
    return d.score / d.max if d.max else 0.0


def strongest(r: GradeReport) -> DimensionScore | None:
    decided = [d for d in r.dimensions if d.score > 0]
    return max(decided, key=lambda d: (_ratio(d), -d.lost_points, d.max)) if decided else None


def weakest(r: GradeReport) -> DimensionScore | None:
    lost = [d for d in r.dimensions if d.lost_points > 0]
    return max(lost, key=lambda d: (d.lost_points / d.max, d.lost_points)) if lost else None


def by_weight(items: list[AppliedItem]) -> list[AppliedItem]:
    """Deductions as a reader wants them: what cost most first (stable for equal points)."""
    return sorted(items, key=lambda x: -x.points)


def deduction_label(x: AppliedItem, minus: str = "-") -> str:
    """What a deduction moved, as both reports print it. A point deduction that a floor or zero cut
    short says so, so '-2' is never read as the rubric's number when the rubric says 3."""
    if x.kind == "cap":
        return f"cap {fmt(x.nominal)} ({minus}{fmt(x.points)})"
    if x.kind == "floor":
        return f"floor {fmt(x.nominal)}"
    if x.kind == "judge":
        return f"{minus}{fmt(x.points)} (judge)"
    if not x.points:
        return f"0 of {fmt(x.nominal)} (nothing left to take)"
    if x.points < x.nominal - 0.005:
        return f"{minus}{fmt(x.points)} of {fmt(x.nominal)} (cut short by a floor or zero)"
    return f"{minus}{fmt(x.points)}"


def dimension_reason(d: DimensionScore) -> str:
    """One line: why the dimension stands where it does."""
    parts = []
    for x in by_weight(d.deductions):
        if x.points > 0:
            parts.append(f"-{fmt(x.points)} {x.reason}")
    for b in d.bonuses:
        if b.points > 0:
            parts.append(f"+{fmt(b.points)} {b.reason}")
    if not parts:
        parts.append("no deduction applies on the facts")
    if d.pending_points:
        parts.append(f"{fmt(d.pending_points)} pending")
    return "; ".join(parts)


def pending_bound(d: DimensionScore) -> str | None:
    """When the pending items name more points than the dimension can still gain (a cap, a floor or
    zero bounds them), say so: each item shows its rubric points, the dimension what can really move."""
    named = sum(p.points for p in d.pending)
    if named <= d.pending_points + 0.005:
        return None
    return (f"the pending items above name {fmt(named)} points, but caps, floors and zero leave "
            f"only {fmt(d.pending_points)} that can still change this dimension")


def invented_findings(r: GradeReport) -> list[Finding]:
    return [f for f in r.findings if f.category.value == "api-hallucination"]


def other_findings(r: GradeReport) -> list[Finding]:
    """Findings with no section of their own (invented calls and prompt injection have one)."""
    return [f for f in r.findings if f.category.value != "api-hallucination" and "injection" not in f.rule]


INJECTION_WORDS = {"instructions": "instructions to the grader", "hidden_comment": "hidden comment to a reviewer"}


STATUS_WORDS = {
    "contradicted": "contradicted by facts",
    "supported": "supported by facts",
    "unverifiable": "unverifiable by facts (judge)",
    "not_a_claim": "not a PASS claim",
}


@dataclass(frozen=True)
class RuntimeRow:
    """One row of the runtime table: a step (`build`...) or a gate (`gate rubocop`)."""

    gate: bool
    name: str
    status: str
    detail: str

    @property
    def label(self) -> str:
        return f"gate {self.name}" if self.gate else self.name


@dataclass(frozen=True)
class RuntimeSection:
    """What both reports show under "Runtime": the sentence, and the steps' rows (none when the run never
    reached the engine)."""

    intro: str
    rows: list[RuntimeRow]


_STEP_ORDER = ("build", "test_image", "boot", "tests", "compose")


def runtime_section(r: GradeReport) -> RuntimeSection:
    """The sentence above the runtime steps and the steps themselves: the stage's own status (a run that
    booted nothing is "failed" there even when every container call succeeded), its time, the engine and
    the app root when it is a sub-folder. Only a run that never reached the engine has no table."""
    stage = r.stage("runtime")
    rt = r.runtime.model_dump(mode="json")
    status = stage.status if stage is not None else rt.get("status")
    detail = (stage.detail if stage is not None else None) or rt.get("skipped_reason")
    if detail and isinstance(r.runtime, RuntimeReport) and detail == nothing_ran_reason(r.runtime):
        # The steps' own reasons are in the table right below: the sentence names the steps, not their reasons.
        detail = nothing_ran_reason(r.runtime, why=False) + "; the steps below say why"
    if not r.runtime_reached_engine():
        why = detail or "not run"
        pending = "" if "pending" in why else " Points that need it are pending."  # --no-runtime says so already
        return RuntimeSection(f"Skipped: {why}.{pending}", [])
    text = (f"Status {status}" + (f" ({detail})" if detail else "")
            + f", {fmt(rt.get('duration_seconds') or 0)} s, engine {rt.get('engine') or '?'}.")
    if rt.get("app_root") not in (None, "."):
        note = rt.get("app_root_note")
        text += f" Ran in {rt['app_root']}/" + (f" ({note})." if note else ".")
    text += _base_sentence(rt.get("test_image") or {})
    if status != "ok":
        text += " Points that need what did not run are pending."
    rows = [RuntimeRow(False, name, str((rt.get(name) or {}).get("status", "?")), step_detail(name, rt.get(name) or {}))
            for name in _STEP_ORDER]
    rows += [RuntimeRow(True, name, str(gate.get("status", "?")), gate_detail(gate))
             for name, gate in (rt.get("gates") or {}).items()]
    return RuntimeSection(text, rows)


def _base_sentence(image: dict) -> str:
    """Which base image the test image started from when the grader chose it, and why; and a Gemfile
    Ruby pin widened for the build (the table's cells are too short to carry these beside the reason)."""
    text = f" Base image {image['base_choice']}." if image.get("base_choice") else ""
    return text + (f" Ruby: {image['ruby_widened']}." if image.get("ruby_widened") else "")


def step_detail(name: str, step: dict) -> str:
    bits = []
    if name == "boot":
        if step.get("http_status") is not None:
            bits.append(f"HTTP {step['http_status']}")
        if step.get("ready_seconds") is not None:
            bits.append(f"ready in {step['ready_seconds']} s")
    if name == "tests" and step.get("runs") is not None:
        bits.append(f"{step['runs']} runs, {step.get('failures')} failures, {step.get('errors')} errors, "
                    f"{step.get('skips')} skips")
        if step.get("line_coverage") is not None:
            bits.append(f"line coverage {step['line_coverage']}%")
    if step.get("reason"):
        bits.append(step["reason"])
    return "; ".join(bits)


def gate_detail(gate: dict) -> str:
    keys = ("offenses", "warnings", "ignored_warnings", "vulnerabilities")
    bits = [f"{k} {gate[k]}" for k in keys if gate.get(k) is not None]
    if gate.get("reason"):
        bits.append(gate["reason"])
    return "; ".join(bits)
