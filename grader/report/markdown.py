"""report.md: a careful audit a person reads top to bottom."""

from __future__ import annotations

from grader.report.model import GradeReport
from grader.report.summary import (
    STATUS_WORDS, by_weight, deduction_label, dimension_reason, fact_values, fmt, invented_findings, one_line_summary,
    pending_bound, strongest, weakest, where,
)


def _cell(text: object) -> str:
    """Text from the graded repo, made safe for a Markdown table cell."""
    # Angle brackets as entities: Markdown viewers would otherwise render the repo's HTML.
    return " ".join(str(text).split()).replace("|", "\\|").replace("`", "'").replace("<", "&lt;")[:300]


def _code(text: object) -> str:
    return "`" + " ".join(str(text).split()).replace("`", "'")[:200] + "`"


def render_markdown(r: GradeReport) -> str:
    out: list[str] = []
    w = out.append
    w(f"# Grade report: {_cell(r.repo.name)}")
    w("")
    w(f"**{one_line_summary(r)}**")
    w("")
    w(f"- Rubric: `{r.rubric}` ({_cell(r.rubric_title)})")
    w(f"- Source: `{_cell(r.repo.source)}`" + (f" at commit `{r.repo.commit}`" if r.repo.commit else ""))
    w(f"- Total: **{fmt(r.total)} / {fmt(r.max_total)}** earned, {fmt(r.pending_points)} pending")
    w(f"- Tier: **{r.tier}**: {r.tier_note}")
    w(f"- Generated {r.generated_at} by grader {r.grader_version}")
    if not r.arithmetic_check.ok:
        w("- **Arithmetic self-check FAILED**: " + "; ".join(r.arithmetic_check.problems))
    w("")
    w("## Stages")
    w("")
    w("| stage | status | detail |")
    w("|---|---|---|")
    for s in r.stages:
        w(f"| {s.name} | {s.status} | {_cell(s.detail or '')} |")
    w("")
    w("## Dimensions")
    w("")
    w("| dimension | score | pending | lost | max |")
    w("|---|---:|---:|---:|---:|")
    for d in r.dimensions:
        w(f"| {_cell(d.title)} | {fmt(d.score)} | {fmt(d.pending_points)} | {fmt(d.lost_points)} | {fmt(d.max)} |")
    w(f"| **total** | **{fmt(r.total)}** | {fmt(r.pending_points)} | "
      f"{fmt(round(r.max_total - r.total - r.pending_points, 2))} | {fmt(r.max_total)} |")
    w("")
    for d in r.dimensions:
        pend = f" (+{fmt(d.pending_points)} pending)" if d.pending_points else ""
        w(f"### {d.title}: {fmt(d.score)}/{fmt(d.max)}{pend}")
        w("")
        w(dimension_reason(d) + ".")
        w("")
        for x in by_weight(d.deductions):
            label = deduction_label(x)
            refs = where(x)
            w(f"- {label} `{x.id}`: {x.reason}. Because {fact_values(x) or x.because}"
              + (f"; at {refs}" if refs else "") + ".")
        for b in d.bonuses:
            w(f"- +{fmt(b.points)} `{b.id}` (bonus): {b.reason}" + (f"; at {where(b)}" if b.evidence else "") + ".")
        for p in d.pending:
            why = "judge criterion" if p.source == "judge" else "unknown: " + "; ".join(
                f"{f} ({w})" if w else f for f, w in zip(p.unknown_facts, p.why_unknown or [""] * len(p.unknown_facts)))
            w(f"- pending {fmt(p.points)} `{p.id}` ({why}): {_cell(p.reason)}")
        if (bound := pending_bound(d)) is not None:
            w(f"- note: {bound}.")
        w("")
    w("## Verification of invented calls")
    w("")
    inv = invented_findings(r)
    if not inv:
        stage = r.stage("static")
        if stage is not None and stage.status != "ok":
            w(f"The static check did not complete ({_cell(stage.detail)}): invented calls could not be checked.")
        else:
            w("No call to a RubyLLM method or class that the locked gem version lacks.")
    for f in inv:
        w(f"- `{f['file']}:{f['line']}` {_code(f.get('snippet') or '')}: {_cell(f['message'])}")
        w(f"  - proof: {_cell(f['evidence'])}")
        if f.get("hint"):
            w(f"  - fix: {_cell(f['hint'])}")
    other = [f for f in r.findings if f.get("category") != "api-hallucination"]
    if other:
        w("")
        w(f"Other findings ({len(other)}): " + "; ".join(
            f"`{f['file']}:{f['line']}` {f['rule']}" for f in other[:15]) + (" ..." if len(other) > 15 else ""))
    w("")
    if r.self_review is not None:
        sr = r.self_review
        w("## Self-review")
        w("")
        if sr.file is None:
            w("No SELF_REVIEW.md in the repository.")
        else:
            w(f"`{_cell(sr.file)}`: {sr.rows} goal rows, {len(sr.malformed)} unreadable rows"
              + (", **invented goal numbering**: " + _cell("; ".join(sr.invented_reasons)) if sr.invented_numbering else "") + ".")
            w("")
            w("| line | goal | verdict | check | decided by |")
            w("|---:|---|---|---|---|")
            for c in sr.claims:
                w(f"| {c.line} | {_cell(c.goal_cell)}{' → ' + c.goal if c.goal and not c.goal_cell.startswith(c.goal) else ''} "
                  f"| {c.verdict} | {STATUS_WORDS.get(c.status, c.status)} | {', '.join(c.decided_by)} |")
            for m in sr.malformed:
                w(f"| {m['line']} | (unreadable) | | {_cell(m['problem'])} | |")
            for fc in sr.fabricated_citations:
                w(f"| {fc['line']} | citation | | cites `{_cell(fc['cited'])}`, not in the repository | |")
            if sr.known_defects:
                w("")
                w(f"Known defects admitted outside the table ({len(sr.known_defects)}, honest confessions): "
                  + "; ".join(f"line {k['line']}: {_cell(k['text'])[:120]}" for k in sr.known_defects[:5]) + ".")
        w("")
    w("## Runtime")
    w("")
    rt = r.runtime or {}
    if rt.get("status") in (None, "skipped"):
        w(f"Skipped: {_cell(rt.get('skipped_reason') or 'not run')}. Points that need it are pending.")
    else:
        w(f"Status {rt.get('status')}" + (f" ({_cell(rt.get('skipped_reason'))})" if rt.get("skipped_reason") else "")
          + f", {fmt(rt.get('duration_seconds') or 0)} s, engine {_cell(rt.get('engine') or '?')}.")
        w("")
        w("| step | status | detail |")
        w("|---|---|---|")
        for name in ("build", "test_image", "boot", "tests", "compose"):
            step = rt.get(name) or {}
            w(f"| {name} | {step.get('status', '?')} | {_cell(_step_detail(name, step))} |")
        for name, gate in (rt.get("gates") or {}).items():
            w(f"| gate {name} | {gate.get('status', '?')} | {_cell(_gate_detail(gate))} |")
    w("")
    w("## Strongest and weakest point")
    w("")
    s, wk = strongest(r), weakest(r)
    w(f"- Strongest: {s.title}, {fmt(s.score)}/{fmt(s.max)}: {dimension_reason(s)}." if s else "- Strongest: none earned yet.")
    w(f"- Weakest: {wk.title}, lost {fmt(wk.lost_points)}/{fmt(wk.max)}: {dimension_reason(wk)}." if wk else
      "- Weakest: no points lost on facts.")
    w("")
    w("## Arithmetic self-check")
    w("")
    w("Passed: dimension sums, clipping, caps, floors and tier thresholds agree." if r.arithmetic_check.ok
      else "FAILED:\n" + "\n".join(f"- {p}" for p in r.arithmetic_check.problems))
    w("")
    return "\n".join(out)


def _step_detail(name: str, step: dict) -> str:
    bits = []
    if name == "boot":
        if step.get("http_status") is not None:
            bits.append(f"HTTP {step['http_status']}")
        if step.get("ready_seconds") is not None:
            bits.append(f"ready in {step['ready_seconds']} s")
    if name == "tests" and step.get("runs") is not None:
        bits.append(f"{step['runs']} runs, {step.get('failures')} failures, {step.get('errors')} errors, {step.get('skips')} skips")
        if step.get("line_coverage") is not None:
            bits.append(f"line coverage {step['line_coverage']}%")
    if step.get("reason"):
        bits.append(step["reason"])
    return "; ".join(bits)


def _gate_detail(gate: dict) -> str:
    keys = ("offenses", "warnings", "ignored_warnings", "vulnerabilities")
    bits = [f"{k} {gate[k]}" for k in keys if gate.get(k) is not None]
    if gate.get("reason"):
        bits.append(gate["reason"])
    return "; ".join(bits)
