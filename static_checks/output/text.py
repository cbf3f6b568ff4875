"""Plain, grep-friendly text: `file:line:col: severity [rule] message`, then proof and hint.

Colour (severity words, on a terminal only) never changes the characters a pipe or grep sees
beyond the escape codes; `quiet` keeps the finding lines alone."""

from __future__ import annotations

from collections import Counter

from static_checks.records import CheckReport

_COLOURS = {"error": "31", "warning": "33", "info": "36", "suppressed": "2"}  # red, yellow, cyan, dim


def _paint(word: str, colour: bool) -> str:
    return f"\x1b[{_COLOURS[word]}m{word}\x1b[0m" if colour and word in _COLOURS else word


def _suppressed_lines(report: CheckReport, colour: bool) -> list[str]:
    out: list[str] = []
    for s in report.suppressed:
        if s.by == "inline":  # listed one by one, so every suppression can be audited
            f = s.finding
            why = s.detail or "no reason given"
            out.append(f"{f.file}:{f.line}:{f.column}: {_paint('suppressed', colour)} [{f.rule}] {f.message}"
                       f" -- {why}")
    for sup in report.suppressions:
        if not sup.honoured:  # `check --untrusted`: every comment shown, none obeyed
            why = f" -- {sup.reason}" if sup.reason else ""
            out.append(f"{sup.file}:{sup.line}: grader:disable comment not honoured: {', '.join(sup.rules)}{why}")
        elif sup.problem:
            out.append(f"{sup.file}:{sup.line}: grader:disable comment: {sup.problem}")
    return out


def _summary(report: CheckReport) -> str:
    counts = Counter(f.severity.value for f in report.findings)
    summary = ", ".join(f"{counts.get(k, 0)} {k}" for k in ("error", "warning", "info"))
    line = f"{report.files_analyzed} files analysed, {len(report.skipped)} skipped: {summary}"
    if report.suppressed:
        by = Counter(s.by for s in report.suppressed)
        words = {"inline": "inline", "disable": "rule disabled", "exclude": "path excluded", "baseline": "in baseline"}
        line += f"; {len(report.suppressed)} not reported (" + ", ".join(
            f"{by[k]} {w}" for k, w in words.items() if by.get(k)) + ")"
    return line


def to_text(report: CheckReport, *, colour: bool = False, quiet: bool = False) -> str:
    out: list[str] = []
    if not quiet:
        for root in report.roots:
            detail = f" ({root.version_detail})" if root.version_detail else ""
            out.append(
                f"app root {root.path}: ruby_llm {root.ruby_llm_version} from {root.version_source.value}{detail}"
            )
    for f in report.findings:
        out.append(f"{f.file}:{f.line}:{f.column}: {_paint(f.severity.value, colour)} [{f.rule}] {f.message}")
        if quiet:
            continue
        if f.snippet:
            out.append(f"    | {f.snippet}")
        out.append(f"    proof: {f.evidence}")
        if f.hint:
            out.append(f"    hint: {f.hint}")
        for r in f.related:
            out.append(f"    root: {r.file}:{r.line}:{r.column} [{r.rule}] {r.message}")
    if quiet:
        return "".join(line + "\n" for line in out)
    out.extend(_suppressed_lines(report, colour))
    for s in report.skipped:
        out.append(f"skipped {s.file}: {s.reason}")
    for line in report.incomplete:  # a time budget ran out: the findings above are partial
        out.append(f"incomplete: {line}")
    out.append(_summary(report))
    return "\n".join(out) + "\n"
