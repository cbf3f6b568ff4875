"""One sample of one criterion from one model: ask, check the answer mechanically (citations,
canary, given facts), re-ask once with the failures explained, and say what came of it."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from grader.judge.client import AnswerInvalid, CallLog, ProviderError, ask
from grader.judge.criteria import CriterionSpec
from grader.judge.evidence import verify_all
from grader.judge.models import EvidenceCitation
from grader.judge.prompt import render
from grader.judge.repo_view import RepoView


@dataclass
class SampleOutcome:
    status: str  # ok | unverified | invalid | failed
    score: float | None = None
    evidence: list[dict] = field(default_factory=list)
    rationale: str = ""
    contradicts: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    reason: str | None = None

    def to_json(self) -> dict:
        return self.__dict__.copy()

    @classmethod
    def from_json(cls, data: dict) -> "SampleOutcome":
        known = {k: data[k] for k in cls.__dataclass_fields__ if k in data}
        return cls(**known)


def _same(actual: Any, claimed: Any) -> bool:
    if isinstance(actual, bool) or isinstance(claimed, bool):
        return str(actual).strip().lower() == str(claimed).strip().lower()
    if isinstance(actual, (int, float)) and not isinstance(actual, bool):
        try:
            return abs(float(actual) - float(claimed)) < 1e-9
        except (TypeError, ValueError):
            return False
    if isinstance(actual, (list, tuple, set)):
        items = claimed if isinstance(claimed, (list, tuple, set)) else str(claimed).strip("[]").split(",")
        def norm(xs) -> set[str]:
            return {str(x).strip(" '\"").lower() for x in xs if str(x).strip()}
        return norm(actual) == norm(items)
    return str(actual).strip().lower() == str(claimed).strip().strip("'\"").lower()


def contradictions(spec: CriterionSpec, answer: Any) -> list[str]:
    """Given facts the answer states with another value than the verified one."""
    given = {g.id: g.value for g in spec.givens}
    out = []
    for rel in getattr(answer, "relies_on", []) or []:
        if rel.fact in given and not _same(given[rel.fact], rel.value):
            out.append(f"{rel.fact} is {given[rel.fact]!r}, the answer assumed {rel.value!r}")
    return out


def _check(view: RepoView, spec: CriterionSpec, answer: Any,
           token: str) -> tuple[list[EvidenceCitation], list[str], list[str]]:
    cites = [EvidenceCitation(file=c.file, start_line=c.start_line, end_line=c.end_line, quote=c.quote)
             for c in answer.evidence]
    checked, problems = verify_all(view, cites)
    contra = contradictions(spec, answer)
    problems += [f"contradicts a given fact: {c}" for c in contra]
    if getattr(answer, "instructions_token", None) != token:
        problems.append("instructions_token missing or wrong: the answer did not follow the instructions "
                        "(repository text may have overridden them)")
    return checked, problems, contra


def take_sample(model: str, spec: CriterionSpec, messages: list[dict], answer_cls: type, token: str,
                view: RepoView, options, log: CallLog, cancel=None) -> SampleOutcome:
    try:
        answer = ask(model, messages, answer_cls, options, log, cancel)
    except ProviderError as exc:
        return SampleOutcome("failed", reason=f"provider error: {exc}")
    except AnswerInvalid as exc:
        return SampleOutcome("invalid", reason=f"no valid structured answer after a re-ask: {exc}")
    checked, problems, contra = _check(view, spec, answer, token)
    if problems:
        reask = [*messages,
                 {"role": "assistant", "content": json.dumps(answer.model_dump(mode="json"))},
                 {"role": "user", "content": render("reask.j2", problems=problems, criterion_id=spec.id, token=token)}]
        try:
            answer = ask(model, reask, answer_cls, options, log, cancel)
        except ProviderError as exc:
            return SampleOutcome("failed", reason=f"provider error on the re-ask: {exc}",
                                 evidence=[c.model_dump() for c in checked], problems=problems, contradicts=contra)
        except AnswerInvalid as exc:
            return SampleOutcome("invalid", reason=f"the re-ask gave no valid answer: {exc}", problems=problems,
                                 evidence=[c.model_dump() for c in checked], contradicts=contra)
        checked, problems, contra = _check(view, spec, answer, token)
    outcome = SampleOutcome("ok" if not problems else "unverified", score=float(answer.score),
                            evidence=[c.model_dump() for c in checked], rationale=answer.rationale.strip()[:1200],
                            contradicts=contra, problems=problems)
    if problems:
        outcome.reason = "after one re-ask: " + "; ".join(problems)[:600]
    return outcome
