"""From samples to a verdict (median, spread, status) and from the panel's verdicts to the one
fact the scoring engine reads."""

from __future__ import annotations

import statistics
from typing import Any

from grader.core.redact import redact
from grader.judge.criteria import CriterionSpec, anchor_step
from grader.judge.models import EvidenceCitation, Verdict, VerdictStatus
from grader.judge.sampling import SampleOutcome

EPS = 1e-9


def _citations(evidence: list[dict] | None) -> list[EvidenceCitation]:
    """Citations as the report keeps them: quotes redacted like every other excerpt of the repo."""
    out = []
    for e in evidence or []:
        cite = EvidenceCitation(**e)
        cite.quote = redact(cite.quote, cite.file)
        out.append(cite)
    return out


def verdict_of(spec: CriterionSpec, model: str, samples: list[SampleOutcome]) -> Verdict:
    def make(status: VerdictStatus, **kw: Any) -> Verdict:
        return Verdict(criterion=spec.id, dimension=spec.dimension, model=model, max=spec.max, status=status, **kw)

    answered = [s for s in samples if s.status not in ("failed", "skipped")]
    ok = [s for s in answered if s.status == "ok"]
    contra = sorted({c for s in samples for c in (s.contradicts or [])})
    cut = next((s for s in samples if s.status == "skipped"), None)
    if cut is not None:  # cancelled or out of budget before all K samples: the criterion is not decided
        got = [s.score for s in answered if s.score is not None]
        return make("skipped", samples=got, contradicts_facts=contra,
                       reason=f"{cut.reason} (after {len(answered)} of the samples)")
    if not answered:
        failed = [s for s in samples if s.status == "failed"]
        why = next((s.reason for s in failed or samples if s.reason), "no answer")
        return make("failed" if failed else "skipped", reason=why)
    if not ok or len(ok) * 2 < len(answered):
        first = next((s for s in answered if s.status != "ok"), answered[0])
        ev = _citations(first.evidence)
        return make("unverified", evidence=ev, rationale=redact(first.rationale or ""),
                       contradicts_facts=contra, samples=[s.score for s in answered if s.score is not None],
                       reason=f"{len(answered) - len(ok)} of {len(answered)} answers failed verification: "
                              f"{first.reason}"[:800])
    scores = [float(s.score) for s in ok if s.score is not None]
    if not scores:  # an ok sample always has a score; kept for the type checker
        return make("unverified", reason="no scored answer")
    median = float(statistics.median(scores))
    spread = max(scores) - min(scores)
    chosen = min(ok, key=lambda s: abs(float(s.score or 0.0) - median))
    status: VerdictStatus = "scored"
    reason: str | None = None
    if spread > anchor_step(spec) + EPS:
        status = "unstable"
        reason = f"samples {scores} spread {spread:g}, more than one anchor step ({anchor_step(spec):g}): needs a human"
    elif len(ok) < len(answered):
        reason = f"{len(answered) - len(ok)} of {len(answered)} answers failed verification and were not used"
    return make(status, score=round(median, 3), samples=scores, spread=round(spread, 3),
                   evidence=_citations(chosen.evidence), rationale=redact(chosen.rationale),
                   contradicts_facts=contra, reason=reason)


def panel_score(verdicts: list[Verdict]) -> tuple[float | None, str]:
    """The points a criterion earns from its panel: the median of the models that scored it."""
    scored = [v for v in verdicts if v.status == "scored" and v.score is not None]
    if not scored:
        why = "; ".join(f"{v.model}: {v.status}" + (f" ({v.reason})" if v.reason else "") for v in verdicts)
        return None, f"judge gave no usable score: {why}"[:500]
    value = float(statistics.median(float(v.score or 0.0) for v in scored))
    note = ", ".join(f"{v.model} {v.score:g} (spread {v.spread:g})" for v in scored)
    return value, f"median of the panel: {note}"
