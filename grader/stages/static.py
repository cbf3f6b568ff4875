"""Static stage: findings (the RubyLLM API audit) and static facts from one parse.

If the combined pass fails (e.g. one fact collector breaks), the findings are retried alone so the
audit is not lost; the stage is then `partial`, its facts unknown, and the report's `facts` row says
why. Without findings, rules over invented calls cannot be trusted, so static facts stay unknown.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

from static_checks.models import CheckReport

from grader.core.stage import ProgressEvent, StageContext, StageOutcome, StageStatus


@dataclass
class PassResult:
    """One of the two things the stage produces (findings, facts), with how it went."""

    status: StageStatus
    seconds: float = 0.0
    detail: str | None = None


@dataclass
class StaticStageSummary:
    check: CheckReport | None  # findings, roots, files analysed; None when no pass completed
    findings: PassResult
    facts: PassResult

    @property
    def facts_known(self) -> bool:
        return self.facts.status == "ok"


def error_line(exc: BaseException) -> str:
    return f"{type(exc).__name__}: {' '.join(str(exc).split())}"[:500]


class StaticStage:
    name = "static"
    fact_prefix = ""

    def applies(self, context: StageContext) -> str | None:
        return None

    def _check(self, context: StageContext, with_facts: bool) -> CheckReport:
        from static_checks.engine import check_path

        from static_checks.suppress import apply_inline

        version = getattr(context.options, "ruby_llm_version", None)
        if with_facts:
            report = check_path(context.repo, ruby_llm_version=version, with_facts=True)
        else:
            report = check_path(context.repo, ruby_llm_version=version)
        # A graded repo's `# grader:disable` comments are listed for the reader, never honoured:
        # the findings (and the facts scored from them) stay whole.
        return apply_inline(report, context.repo, honour=False)

    def run(self, context: StageContext) -> StageOutcome:
        started = time.perf_counter()
        try:
            check = self._check(context, with_facts=True)
        except Exception as exc:  # noqa: BLE001 - retried below without facts
            facts = PassResult("failed", _secs(started), error_line(exc))
            context.progress(ProgressEvent(self.name, "findings without facts", "started", detail=facts.detail))
        else:
            summary = StaticStageSummary(check, PassResult("ok", _secs(started)),
                                         PassResult("ok", detail="collected in the static pass"))
            return StageOutcome(status="ok", facts=list(check.facts), summary=summary)

        context.cancel.raise_if_cancelled()
        started = time.perf_counter()
        try:
            check = self._check(context, with_facts=False)
        except Exception as exc:  # noqa: BLE001 - recorded; nothing of the static pass is known
            findings = PassResult("failed", _secs(started), error_line(exc))
            return StageOutcome(status="failed", detail=findings.detail,
                                summary=StaticStageSummary(None, findings, facts))
        summary = StaticStageSummary(check, PassResult("ok", _secs(started)), facts)
        return StageOutcome(status="partial", detail=f"findings only; static facts unknown ({facts.detail})",
                            summary=summary)


def _secs(started: float) -> float:
    return round(time.perf_counter() - started, 3)
