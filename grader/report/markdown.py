"""report.md: a careful audit a person reads top to bottom."""

from __future__ import annotations

from grader.report.escape import md_code, md_text
from grader.report.model import GradeReport
from grader.report.summary import (
    INJECTION_WORDS, STATUS_WORDS, by_weight, deduction_label, dimension_reason, fmt, invented_findings,
    one_line_summary, other_findings, pending_bound, runtime_section, strongest, weakest, where,
)
from grader.report.words import GoalNamer, fact_notes, plain_decided_by, plain_facts


def _cell(text: object) -> str:
    """Text from the graded repo, inert in Markdown (also inside a table cell)."""
    return md_text(text, limit=300)


def _code(text: object) -> str:
    return md_code(text, limit=200)


def _code_cell(text: object) -> str:
    return md_code(text, in_table=True, limit=200)


def render_markdown(r: GradeReport) -> str:
    sections = (_head, _stages, _dimensions, _invented, _injection, _self_review, _runtime, _judge, _strong_weak,
                _consistency, _arithmetic)
    return "\n".join(line for section in sections for line in section(r))


def _judge(r: GradeReport) -> list[str]:
    from grader.judge.render import markdown_section  # the judge's section lives with the judge

    return markdown_section(r.judge, r.repo)


def _head(r: GradeReport) -> list[str]:
    source = f"- Source: {_code(r.repo.source)}" + (f" at commit {_code(r.repo.commit)}" if r.repo.commit else "")
    out = [f"# Grade report: {_cell(r.repo.name)}", "", f"**{md_text(one_line_summary(r))}**", "",
           f"- Rubric: {_code(r.rubric)} ({_cell(r.rubric_title)})", source,
           f"- Total: **{fmt(r.total)} / {fmt(r.max_total)}** earned, {fmt(r.pending_points)} pending",
           f"- Tier: **{r.tier}**: {r.tier_note}",
           f"- Generated {r.generated_at} by grader {r.grader_version}"]
    if not r.arithmetic_check.ok:
        out.append("- **Arithmetic self-check FAILED**: " + "; ".join(r.arithmetic_check.problems))
    return out + [""]


def _stages(r: GradeReport) -> list[str]:
    rows = [f"| {_cell(s.name)} | {s.status} | {_cell(s.detail or '')} |" for s in r.stages]
    return ["## Stages", "", "| stage | status | detail |", "|---|---|---|", *rows, ""]


def _dimensions(r: GradeReport) -> list[str]:
    out = ["## Dimensions", "", "| dimension | score | pending | lost | max |", "|---|---:|---:|---:|---:|"]
    for d in r.dimensions:
        out.append(f"| {_cell(d.title)} | {fmt(d.score)} | {fmt(d.pending_points)} | {fmt(d.lost_points)} "
                   f"| {fmt(d.max)} |")
    out += [f"| **total** | **{fmt(r.total)}** | {fmt(r.pending_points)} | "
            f"{fmt(round(r.max_total - r.total - r.pending_points, 2))} | {fmt(r.max_total)} |", ""]
    name_goals = GoalNamer(r.goals)
    for d in r.dimensions:
        out += _dimension(r, d, name_goals)
    return out


def _found(r: GradeReport, facts: dict[str, object]) -> str:
    notes = fact_notes(r, facts)
    return md_text(plain_facts(r, facts)) + (f" ({_cell('; '.join(notes))})" if notes else "")


def _dimension(r: GradeReport, d, name_goals: GoalNamer) -> list[str]:
    pend = f" (+{fmt(d.pending_points)} pending)" if d.pending_points else ""
    out = [f"### {d.title}: {fmt(d.score)}/{fmt(d.max)}{pend}", "", dimension_reason(d) + ".", ""]
    for x in by_weight(d.deductions):
        refs = where(x)
        found = f" Found: {_found(r, x.facts)}" if x.facts else f" Because {md_text(x.because)}"
        fix = f" **Fix:** {_cell(x.fix)}." if x.fix else ""
        out.append(f"- {deduction_label(x)} {_cell(name_goals(x.reason))}.{fix}{found}"
                   + (f"; at {md_text(refs)}" if refs else "") + f". ({_code(x.id)})")
    for b in d.bonuses:
        at = f"; at {md_text(where(b))}" if b.evidence else ""
        out.append(f"- +{fmt(b.points)} {_code(b.id)} (bonus): {_cell(name_goals(b.reason))}{at}.")
    for p in d.pending:
        why = "judge criterion" if p.source == "judge" else "unknown: " + "; ".join(
            f"{r.fact_labels.get(f, f)} ({w})" if w else r.fact_labels.get(f, f)
            for f, w in zip(p.unknown_facts, p.why_unknown or [""] * len(p.unknown_facts)))
        out.append(f"- pending {fmt(p.points)} {_code(p.id)} ({md_text(why)}): {_cell(name_goals(p.reason))}")
    if (bound := pending_bound(d)) is not None:
        out.append(f"- note: {bound}.")
    if d.passed:
        out += ["", f"Checked and not charged ({len(d.passed)}):", ""]
        for p in d.passed:
            refs = where(p)
            out.append(f"- ✓ no deduction for “{_cell(name_goals(p.reason))}”: {_found(r, p.facts) or 'always'}"
                       + (f"; at {md_text(refs)}" if refs else "") + ".")
    return out + [""]


def _invented(r: GradeReport) -> list[str]:
    out = ["## Verification of invented calls", ""]
    inv = invented_findings(r)
    stage = r.stage("static")
    if not inv and stage is not None and stage.status != "ok":
        out.append(f"The static check did not complete ({_cell(stage.detail)}): invented calls could not be checked.")
    elif not inv:
        out.append("No call to a RubyLLM method or class that the locked gem version lacks.")
    for f in inv:
        out.append(f"- {_code(f'{f.file}:{f.line}')} {_code(f.snippet or '')}: {_cell(f.message)}")
        out.append(f"  - proof: {_cell(f.evidence)}")
        if f.hint:
            out.append(f"  - fix: {_cell(f.hint)}")
    other = other_findings(r)
    if other:
        listed = "; ".join(f"{_code(f'{f.file}:{f.line}')} {_cell(f.rule)}" for f in other[:15])
        out += ["", f"Other findings ({len(other)}): {listed}" + (" ..." if len(other) > 15 else "")]
    comments = r.static.suppressions if r.static else []
    if comments:  # listed for the reader; grading never honours a graded repo's suppressions
        listed = "; ".join(f"{_code(f'{c.file}:{c.line}')} {_cell(', '.join(c.rules))}" for c in comments[:15])
        out += ["", f"`grader:disable` comments in the repo ({len(comments)}, not honoured when grading: "
                    f"their findings count): {listed}" + (" ..." if len(comments) > 15 else "")]
    return out + [""]


def _injection(r: GradeReport) -> list[str]:
    out = ["## Text aimed at an AI grader", ""]
    if not r.prompt_injection:
        return out + ["None found (instructions to a grader, hidden comments addressed to a reviewer).", ""]
    out.append(f"{len(r.prompt_injection)} places address an AI grader; the judge treats repo text as data and "
               "these earn nothing:")
    out += [f"- {_code(f'{n.file}:{n.line}')} ({INJECTION_WORDS.get(n.kind, n.kind)}): {_code(n.text)}"
            for n in r.prompt_injection[:30]]
    return out + [""]


def _consistency(r: GradeReport) -> list[str]:
    out = ["## Consistency across facts", ""]
    if r.inconsistencies is None:
        return out + ["Not checked: the static facts were not collected.", ""]
    if not r.inconsistencies:
        return out + ["Passed: no two facts contradict each other.", ""]
    return out + ["Facts that cannot both be true (a grader bug; the points they decide deserve a second look):",
                  *[f"- {_cell(why)}" for why in r.inconsistencies], ""]


def _self_review(r: GradeReport) -> list[str]:
    sr = r.self_review
    if sr is None:
        return []
    if sr.file is None:
        return ["## Self-review", "", "No SELF_REVIEW.md in the repository.", ""]
    invented = (", **invented goal numbering**: " + _cell("; ".join(sr.invented_reasons))
                if sr.invented_numbering else "")
    out = ["## Self-review", "",
           f"{_code(sr.file)}: {sr.rows} goal rows, {len(sr.malformed)} unreadable rows{invented}.", "",
           "| line | goal | verdict | check | decided by |", "|---:|---|---|---|---|"]
    for c in sr.claims:
        goal = " → " + _cell(c.goal) if c.goal and not c.goal_cell.startswith(c.goal) else ""
        out.append(f"| {c.line} | {_cell(c.goal_cell)}{goal} | {_cell(c.verdict or '')} "
                   f"| {STATUS_WORDS.get(c.status, c.status)} | {_cell(plain_decided_by(r, c.decided_by))} |")
    out += [f"| {m.line} | (unreadable) | | {_cell(m.problem)} | |" for m in sr.malformed]
    out += [f"| {fc.line} | citation | | cites {_code_cell(fc.cited)}, not in the repository | |"
            for fc in sr.fabricated_citations]
    if sr.known_defects:
        out += ["", f"Known defects admitted outside the table ({len(sr.known_defects)}, honest confessions): "
                + "; ".join(f"line {k.line}: {_cell(k.text)[:120]}" for k in sr.known_defects[:5]) + "."]
    return out + [""]


def _runtime(r: GradeReport) -> list[str]:
    section = runtime_section(r)
    intro = md_text(section.intro, limit=1500)  # the stage's reason and the app root, each a line at most
    if not section.rows:
        return ["## Runtime", "", intro, ""]
    out = ["## Runtime", "", intro, "", "| step | status | detail |", "|---|---|---|"]
    out += [f"| {row.label} | {row.status} | {_cell(row.detail)} |" for row in section.rows]
    return out + [""]


def _strong_weak(r: GradeReport) -> list[str]:
    s, wk = strongest(r), weakest(r)
    return ["## Strongest and weakest point", "",
            f"- Strongest: {s.title}, {fmt(s.score)}/{fmt(s.max)}: {dimension_reason(s)}." if s
            else "- Strongest: none earned yet.",
            f"- Weakest: {wk.title}, lost {fmt(wk.lost_points)}/{fmt(wk.max)}: {dimension_reason(wk)}." if wk
            else "- Weakest: no points lost on facts.", ""]


def _arithmetic(r: GradeReport) -> list[str]:
    ok = "Passed: dimension sums, clipping, caps, floors and tier thresholds agree."
    return ["## Arithmetic self-check", "",
            ok if r.arithmetic_check.ok else "FAILED:\n" + "\n".join(f"- {p}" for p in r.arithmetic_check.problems), ""]
