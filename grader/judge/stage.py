"""JudgeStage: stage 4 of a grade. For every judge criterion of the rubric (and every dimension
marked judge_holistic) it asks each model K times, checks each answer mechanically, and hands on
facts `judge.<criterion>` (points awarded, evidence = verified citations) plus a JudgeReport.
Criteria it could not decide emit a null fact: their points stay pending."""

from __future__ import annotations

import hashlib
import json
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Literal

from grader.core.stage import ProgressEvent, StageContext, StageOutcome
from grader.judge.aggregate import panel_score, verdict_of
from grader.judge.answer import answer_model
from grader.judge.cache import JudgeCache, cache_key
from grader.judge.client import CallLog
from grader.judge.context import build_context, estimate_tokens
from grader.judge.cost import Budget, estimate_call, make_budget, price_per_token
from grader.judge.criteria import CriterionSpec, criterion_specs, not_asked
from grader.judge.models import ContextSent, FileCount, JudgeReport, JudgeStatus, Verdict
from grader.judge.options import JudgeOptions, missing_key_reason
from grader.judge.prompt import derived_token, exemplars_version, prompt_version, render
from grader.judge.repo_view import RepoView
from grader.judge.sampling import SampleOutcome, take_sample
from grader.judge.sanitize import Sanitized, note_generator_text, same_family_warnings
from grader.judge.trailers import commit_trailers

MAX_PARALLEL = 4  # criterion x model jobs at once; each job's samples run in order
PROMPT_MARGIN = 300  # tokens kept free for the re-ask text


@dataclass
class _Prepared:
    """One criterion's prompt, built once and shared by every model and sample."""

    spec: CriterionSpec
    messages: list[dict]
    token: str  # the canary the answer must echo
    digest: str  # sha256 of the repository text sent
    tokens: int  # estimated prompt tokens
    sent: ContextSent
    exemplars: list[str]  # calibration set items shown as reference examples (none: no --exemplars)
    exemplars_digest: str | None  # sha256 of the reference-examples message, for the cache key


class JudgeStage:
    name = "judge"
    fact_prefix = "judge."

    def __init__(self, options: JudgeOptions | None = None):
        self.options = options

    def _opts(self, context: StageContext) -> JudgeOptions:
        """Given at construction, else the pipeline's `options.judge_options`, else none (skipped)."""
        if self.options is not None:
            return self.options
        got = context.options if isinstance(context.options, JudgeOptions) else getattr(context.options,
                                                                                         "judge_options", None)
        return got if isinstance(got, JudgeOptions) else JudgeOptions()

    def applies(self, context: StageContext) -> str | None:
        """Only a rubric without judge criteria makes the stage inapplicable. A missing model or key
        is reported by run() as a skipped JudgeReport, so report.json `judge` says why."""
        opts = self._opts(context)
        if not criterion_specs(context.rubric, context.facts, opts.criteria, opts.holistic):
            return "the rubric has no judge criteria" + (" matching --criterion" if opts.criteria else "")
        return None

    def _skip_reason(self, context: StageContext) -> str | None:
        return missing_key_reason(self._opts(context)) or self.applies(context)

    def run(self, context: StageContext) -> StageOutcome:
        started = time.perf_counter()
        opts = self._opts(context)
        skip = self._skip_reason(context)
        if skip:
            report = JudgeReport(status="skipped", reason=skip, models=list(opts.models),
                                 not_asked=not_asked(context.rubric, context.facts, opts.criteria))
            return StageOutcome(status="skipped", detail=skip, summary=report)
        view = RepoView(context.repo)
        specs = criterion_specs(context.rubric, context.facts, opts.criteria, opts.holistic)
        version = prompt_version()
        sanitized = Sanitized()
        for line in commit_trailers(view.root):  # the commits' own word on who wrote the code
            note_generator_text(line, sanitized)
        prepared = [self._prepare(spec, view, opts, version, sanitized) for spec in specs]
        cache = JudgeCache(opts.cache_path) if opts.cache_path else None
        budget = make_budget(opts)
        jobs = [(p, model) for p in prepared for model in opts.models]
        total = len(jobs)
        done: Counter[str] = Counter()

        def run_job(job) -> Verdict:
            prep, model = job
            step = f"criterion {prep.spec.id}" + (f" ({model})" if len(opts.models) > 1 else "")
            if context.cancel.cancelled:
                context.progress(ProgressEvent("judge", step, "skipped", done["n"], total, "cancelled"))
                return Verdict(criterion=prep.spec.id, dimension=prep.spec.dimension, model=model, max=prep.spec.max,
                               status="skipped", reason="cancelled before it was asked", counted=prep.spec.counted)
            context.progress(ProgressEvent("judge", step, "started", done["n"], total))
            verdict = self._judge(prep, model, view, opts, version, context, cache, budget)
            done["n"] += 1
            state: Literal["finished", "skipped", "failed"] = (
                "finished" if verdict.status == "scored" else "skipped" if verdict.status == "skipped" else "failed")
            context.progress(ProgressEvent("judge", step, state, done["n"], total, verdict.status))
            return verdict

        try:
            if len(jobs) > 1:
                with ThreadPoolExecutor(max_workers=min(MAX_PARALLEL, len(jobs))) as pool:
                    verdicts = list(pool.map(run_job, jobs))
            else:
                verdicts = [run_job(j) for j in jobs]
        finally:
            if cache is not None:
                cache.close()
        report = self._report(opts, version, prepared, verdicts, sanitized)
        report.warnings += _injection_warnings(context.facts)
        report.not_asked = not_asked(context.rubric, context.facts, opts.criteria)
        report.seconds = round(time.perf_counter() - started, 3)
        facts = self._facts(prepared, verdicts, version)
        status = report.status
        return StageOutcome(status=status, detail=report.reason, facts=facts, summary=report)

    # -- preparing prompts -------------------------------------------------------------------

    def _prepare(self, spec: CriterionSpec, view: RepoView, opts: JudgeOptions, version: str,
                 sanitized: Sanitized) -> _Prepared:
        nonce = derived_token(version, spec.id, "|".join(view.files()), n=10)
        system = render("system.j2", nonce=nonce)
        facts = [{"id": g.id, "value": json.dumps(g.value, default=str), "where": g.where} for g in spec.givens]
        fields = dict(criterion_id=spec.id, dimension=spec.dimension, max_points=spec.max, question=spec.question,
                      anchors=spec.anchors, facts=facts)
        bare = render("criterion.j2", **fields, repository="", sent_count=0, cut_count=0, token="x" * 12)
        shown = (opts.exemplars or {}).get(spec.id) or []
        if shown:  # the reference examples take their share of the budget before the repository
            bare += render("exemplars.j2", criterion_id=spec.id, exemplars=shown, nonce=nonce)
        room = opts.token_budget - estimate_tokens(system + bare) - PROMPT_MARGIN
        seen = Sanitized()
        pack = build_context(view, spec.fact_files, max(room, 0), nonce, seen)
        _merge(sanitized, seen)
        token = derived_token(version, spec.id, pack.text)
        user = render("criterion.j2", **fields, repository=pack.text, sent_count=len(pack.sent),
                      cut_count=len(pack.cut), token=token)
        messages = [{"role": "system", "content": system}]
        shown = (opts.exemplars or {}).get(spec.id) or []
        examples = render("exemplars.j2", criterion_id=spec.id, exemplars=shown, nonce=nonce) if shown else ""
        if examples:  # its own message after the fixed instructions, apart from the repository data
            messages.append({"role": "user", "content": examples})
        messages.append({"role": "user", "content": user})
        digest = hashlib.sha256(pack.text.encode()).hexdigest()
        tokens = estimate_tokens(system + examples + user)
        sent = ContextSent(criterion=spec.id, tokens_estimate=tokens, sent=pack.sent, cut=pack.cut)
        ex_digest = hashlib.sha256((exemplars_version() + examples).encode()).hexdigest() if examples else None
        return _Prepared(spec, messages, token, digest, tokens, sent, [e["item"] for e in shown], ex_digest)

    # -- asking ------------------------------------------------------------------------------

    def _judge(self, prep: _Prepared, model: str, view: RepoView, opts: JudgeOptions, version: str,
               context: StageContext, cache: JudgeCache | None, budget: Budget) -> Verdict:
        spec = prep.spec
        answer_cls = answer_model(spec.max)
        log = CallLog()
        samples: list[SampleOutcome] = []
        cached = 0
        for k in range(opts.samples):
            if context.cancel.cancelled:
                samples.append(SampleOutcome("skipped", reason="cancelled"))
                break
            parts = dict(files=prep.digest, criterion=spec.text_for_key(), prompt=version,
                         rubric=getattr(context.rubric, "id", None), model=model, sample=k,
                         params={"temperature": opts.temperature, "mode": opts.mode})
            if prep.exemplars_digest:  # only then: keys of grades without --exemplars stay as they were
                parts["exemplars"] = prep.exemplars_digest
            key = cache_key(**parts)
            hit = cache.get(key) if cache is not None else None
            if hit is not None:
                samples.append(SampleOutcome.from_json(hit))
                cached += 1
                continue
            estimate = estimate_call(model, prep.tokens, opts.price)
            if not budget.reserve(estimate):
                samples.append(SampleOutcome("skipped", reason=f"--max-cost {budget.max_usd:g} USD reached: not asked"))
                break
            before = sum(r.cost_usd for r in log.records)
            outcome = take_sample(model, spec, prep.messages, answer_cls, prep.token, view, opts, log, context.cancel)
            budget.settle(estimate, sum(r.cost_usd for r in log.records) - before)
            samples.append(outcome)
            if cache is not None and outcome.status != "failed":
                cache.put(key, model, spec.id, outcome.to_json())
            if outcome.status == "failed":
                break  # an outage: asking again now only burns the retries again
        verdict = verdict_of(spec, model, samples)
        verdict.counted = spec.counted
        verdict.prompt_version = version
        verdict.temperature = opts.temperature
        verdict.calls = len(log.records) + len(log.errors)  # completions (re-asks included) + failed requests
        verdict.cached_calls = cached
        verdict.tokens_in = sum(r.tokens_in for r in log.records)
        verdict.tokens_out = sum(r.tokens_out for r in log.records)
        verdict.cost_usd = round(sum(r.cost_usd for r in log.records), 6)
        verdict.exemplars = list(prep.exemplars)
        return verdict

    # -- handing on --------------------------------------------------------------------------

    def _report(self, opts: JudgeOptions, version: str, prepared: list[_Prepared], verdicts: list[Verdict],
                sanitized: Sanitized) -> JudgeReport:
        counted = [v for v in verdicts if v.counted]
        warnings = same_family_warnings(opts.models, sanitized)
        if opts.max_cost is not None:
            for model in opts.models:
                if price_per_token(model, opts.price) is None:
                    warnings.append(f"no price known for {model}: --max-cost cannot limit it (give --judge-price)")
        if any(v.reason and "--max-cost" in v.reason for v in verdicts):
            warnings.append(f"--max-cost {opts.max_cost:g} USD reached: criteria not asked stay pending")
        status: JudgeStatus
        if not counted or all(v.status == "scored" for v in counted):
            status, reason = "ok", None
        elif all(v.status == "failed" for v in counted):
            status, reason = "failed", "every criterion failed: " + (counted[0].reason or "")[:300]
        else:
            undecided = sorted({v.criterion for v in counted if v.status != "scored"})
            status, reason = "partial", f"{len(undecided)} criteria undecided (points pending): {', '.join(undecided)}"
        return JudgeReport(
            status=status, reason=reason, models=list(opts.models), prompt_version=version,
            temperature=opts.temperature, samples=opts.samples,
            cost_usd=round(sum(v.cost_usd for v in verdicts), 6), tokens_in=sum(v.tokens_in for v in verdicts),
            tokens_out=sum(v.tokens_out for v in verdicts), calls=sum(v.calls for v in verdicts),
            cached_calls=sum(v.cached_calls for v in verdicts), verdicts=verdicts, token_budget=opts.token_budget,
            context=[p.sent for p in prepared],
            redactions=[FileCount(file=f, count=n) for f, n in sorted(sanitized.redactions.items())],
            identity_masked=[FileCount(file=f, count=n) for f, n in sorted(sanitized.identity_masks.items())],
            warnings=warnings,
        )

    def _facts(self, prepared: list[_Prepared], verdicts: list[Verdict], version: str) -> list:
        from grader.scoring.engine import judge_fact_id
        from static_checks.models import Evidence, Fact

        out = []
        for prep in prepared:
            if not prep.spec.counted:
                continue
            mine = [v for v in verdicts if v.criterion == prep.spec.id]
            value, note = panel_score(mine)
            evidence = [Evidence(file=e.file, line=e.start_line, snippet=e.quote[:200])
                        for v in mine if v.status == "scored" for e in v.evidence if e.verified][:10]
            out.append(Fact(id=judge_fact_id(prep.spec.id), value=value, rule=f"judge/{version}",
                            evidence=evidence, note=note))
        return out


def _injection_warnings(facts) -> list[str]:
    """The repo talks to graders (static_checks/facts/prompt_injection.py): say so beside the verdicts."""
    if facts is None or facts.is_unknown("injection.found") or not facts.value("injection.found"):
        return []
    places = [f"{e.file}:{e.line}" for f in facts.get("injection.found") for e in f.evidence][:5]
    return [f"the repository contains text aimed at graders ({', '.join(places)}): it was sent as data, "
            "inside the delimiters, and cannot change the instructions"]


def _merge(into: Sanitized, seen: Sanitized) -> None:
    """Each criterion re-reads the same files: count a file's redactions once (the largest count)."""
    for f, n in seen.redactions.items():
        into.redactions[f] = max(into.redactions[f], n)
    for f, n in seen.identity_masks.items():
        into.identity_masks[f] = max(into.identity_masks[f], n)
    into.generator_families |= seen.generator_families
    into.generator_names |= seen.generator_names
