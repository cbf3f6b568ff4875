"""What a repo's owner may leave out of `grader check`: inline `# grader:disable` comments, and the
settings file's `disable`, `exclude` and `severity`. A filter after the findings are made; the
analysis itself never changes (an excluded file still types the code that uses its classes).

Inline syntax, in Ruby or ERB (`<%# ... %>`), reason after ` -- `:

    chat.with_shiny(x)  # grader:disable rubyllm/unknown-method -- added by our own patch in lib/
    # grader:disable unknown-method, wrong-arguments -- generated client, checked upstream
    next_line_is_covered(...)

A comment after code covers its own line; a comment alone on its line covers the next line of code.
Every comment is listed in the report (with its reason and how many findings it covered). When a
repo is graded, its comments are listed but never honoured: a hostile repo would suppress exactly
its invented calls.
"""

from __future__ import annotations

import fnmatch
import re
from collections.abc import Iterable
from pathlib import Path

from static_checks.records import CheckReport, Finding, InlineSuppression, Severity, fitted, leave_out

_COMMENT = re.compile(r"#\s*grader:disable\b(?P<rest>.*)$")
_ERB_CLOSE = re.compile(r"\s*-?%>.*$")
_CODE_BEFORE = re.compile(r"^\s*(<%-?)?\s*$")  # nothing but indentation (or an ERB opener) before `#`
PARSE_RULES = ("parse/syntax-error", "parse/heredoc-fallback")


def known_rule_ids() -> set[str]:
    from static_checks.rules import all_rules

    return {r.id for r in all_rules()} | set(PARSE_RULES)


def rule_id(name: str) -> str:
    """`unknown-method` and `rubyllm/unknown-method` are the same rule."""
    return name if "/" in name else f"rubyllm/{name}"


def unknown_rules(names: Iterable[str]) -> list[str]:
    names = list(names)
    if not names:
        return []  # nothing to look up: the rules' modules are not imported for it
    known = known_rule_ids()
    return [n for n in names if rule_id(n) not in known]


def parse_comment(text: str) -> tuple[list[str], str | None] | None:
    """(rule ids, reason) of a `grader:disable` comment in one line, or None."""
    found = _COMMENT.search(text)
    if found is None:
        return None
    rest = _ERB_CLOSE.sub("", found.group("rest"))
    names, _, reason = rest.partition("--")
    rules = [rule_id(n) for n in re.split(r"[,\s]+", names.strip()) if n]
    return rules, (" ".join(reason.split()) or None)


def _is_standalone(text: str, comment_start: int) -> bool:
    return bool(_CODE_BEFORE.match(text[:comment_start]))


def scan_lines(file: str, lines: list[str], honour: bool) -> list[InlineSuppression]:
    """Every suppression comment of one file, with the line each covers."""
    found: list[InlineSuppression] = []
    waiting: list[InlineSuppression] = []  # standalone comments, covering the next line of code
    for number, text in enumerate(lines, start=1):
        parsed = parse_comment(text) if "grader:disable" in text else None
        if parsed is not None:
            rules, reason = parsed
            entry = InlineSuppression(file=file, line=number, applies_to=number, rules=rules, reason=reason,
                                      honoured=honour)
            found.append(entry)
            comment_at = _COMMENT.search(text).start()  # type: ignore[union-attr]
            if _is_standalone(text, comment_at):
                waiting.append(entry)
                continue
        stripped = text.strip()
        if waiting and stripped and not stripped.startswith(("#", "<%#")):
            for entry in waiting:
                entry.applies_to = number
            waiting = []
    return found


def _read_lines(reader, rel: str) -> list[str]:
    got = reader.read(rel)
    if got.data is None:
        return []
    return got.data.decode("utf-8", "replace").splitlines()


def _finish(entries: list[InlineSuppression], known: set[str]) -> None:
    for entry in entries:
        problems = [f"unknown rule {r!r}" for r in entry.rules if r not in known]
        if not entry.rules:
            problems.append("names no rule")
        if entry.reason is None:
            problems.append("no reason given (add ` -- why`)")
        if entry.matched == 0 and entry.rules:
            problems.append(f"no finding of {', '.join(entry.rules)} on line {entry.applies_to}")
        entry.problem = "; ".join(problems) or None


def apply_inline(report: CheckReport, base: Path, *, honour: bool) -> CheckReport:
    """List the suppression comments of the files that have findings; when `honour`, move the
    findings they cover to `report.suppressed`. Files are read again through the repo reader (only
    those with findings, so a clean tree costs nothing)."""
    from static_checks.sources import PassReader

    files = sorted({f.file for f in report.findings})
    entries: list[InlineSuppression] = []
    reader = PassReader(base) if files else None  # one pass: each folder's real path checked once
    for rel in files:
        entries.extend(scan_lines(rel, _read_lines(reader, rel), honour))
    cover: dict[tuple[str, int], list[InlineSuppression]] = {}
    for entry in entries:
        cover.setdefault((entry.file, entry.applies_to), []).append(entry)
    kept: list[Finding] = []
    for finding in report.findings:
        match = next((e for e in cover.get((finding.file, finding.line), []) if finding.rule in e.rules), None)
        if match is not None:
            match.matched += 1
        if match is not None and honour:
            leave_out(report, finding, "inline", match.reason)
        else:
            kept.append(finding)
    report.findings = kept
    if entries:  # the rules' ids (all their modules imported) only when there is a comment to vet
        _finish(entries, known_rule_ids())
    report.suppressions.extend(fitted(report, e) for e in entries)
    return report


def excluded_by(path: str, patterns: list[str]) -> str | None:
    """The first pattern that skips `path`: an fnmatch glob on the path relative to the checked folder
    (`*` also crosses `/`), or a folder name that holds it."""
    for pattern in patterns:
        folder = pattern.rstrip("/")
        if fnmatch.fnmatchcase(path, pattern) or path.startswith(folder + "/"):
            return pattern
    return None


def apply_settings(report: CheckReport, settings) -> CheckReport:
    """The settings file's `exclude`, `disable` and `severity` (grader.core.config.GraderSettings)."""
    disabled = {rule_id(r) for r in settings.disable}
    severity = {rule_id(r): Severity(v) for r, v in settings.severity.items()}
    kept: list[Finding] = []
    for finding in report.findings:
        pattern = excluded_by(finding.file, settings.exclude)
        if pattern is not None:
            leave_out(report, finding, "exclude", pattern)
        elif finding.rule in disabled:
            leave_out(report, finding, "disable", finding.rule)
        else:
            if finding.rule in severity and severity[finding.rule] is not finding.severity:
                finding = finding.model_copy(update={
                    "severity": severity[finding.rule],
                    "extra": {**finding.extra, "default_severity": finding.severity.value},
                })
            kept.append(finding)
    report.findings = kept
    return report


def settings_problem(settings, source: str) -> str | None:
    """One line naming the rule ids of `disable` or `severity` that are no rule, else None."""
    bad = unknown_rules([*settings.disable, *settings.severity])
    if bad:
        return f"{source}: unknown rule {bad[0]!r} (`grader rules` lists them)"
    return None


def follow_roots(report: CheckReport) -> CheckReport:
    """Uses of an invented value whose every root finding was left out go with their roots: when
    the owner says `RubyLLM::Client` is theirs, `client.chat(...)` is no longer evidence of anything."""
    left_out = {(s.finding.file, s.finding.line, s.finding.column, s.finding.rule): s for s in report.suppressed}
    kept: list[Finding] = []
    for finding in report.findings:
        roots = [left_out.get((r.file, r.line, r.column, r.rule)) for r in finding.related]
        if roots and all(roots):
            first = roots[0]
            assert first is not None
            where = f"{first.finding.file}:{first.finding.line}"
            detail = f"follows from {where}" + (f" ({first.detail})" if first.detail else "")
            leave_out(report, finding, first.by, detail)
        else:
            kept.append(finding)
    report.findings = kept
    return report


def apply_owner_choices(report: CheckReport, base: Path, settings, baseline=None, *,
                        honour_inline: bool = True) -> CheckReport:
    """Everything `check` honours for the repo's owner, in order: the settings file (exclude,
    disable, severity), inline comments, then the baseline (`(fingerprint counts, label)` or None);
    then the uses of invented values whose roots were all left out."""
    apply_settings(report, settings)
    apply_inline(report, base, honour=honour_inline)
    if baseline is not None:
        from static_checks.baseline import apply_baseline

        apply_baseline(report, *baseline)
    return follow_roots(report)
