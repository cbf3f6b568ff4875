"""Plain, grep-friendly text: `file:line:col: severity [rule] message`, then proof and hint."""

from __future__ import annotations

from collections import Counter

from static_checks.models import CheckReport


def to_text(report: CheckReport) -> str:
    out: list[str] = []
    for root in report.roots:
        detail = f" ({root.version_detail})" if root.version_detail else ""
        out.append(
            f"app root {root.path}: ruby_llm {root.ruby_llm_version} from {root.version_source.value}{detail}"
        )
    for f in report.findings:
        out.append(f"{f.file}:{f.line}:{f.column}: {f.severity.value} [{f.rule}] {f.message}")
        if f.snippet:
            out.append(f"    | {f.snippet}")
        out.append(f"    proof: {f.evidence}")
        if f.hint:
            out.append(f"    hint: {f.hint}")
        for r in f.related:
            out.append(f"    root: {r.file}:{r.line}:{r.column} [{r.rule}] {r.message}")
    for s in report.skipped:
        out.append(f"skipped {s.file}: {s.reason}")
    counts = Counter(f.severity.value for f in report.findings)
    summary = ", ".join(f"{counts.get(k, 0)} {k}" for k in ("error", "warning", "info"))
    out.append(f"{report.files_analyzed} files analysed, {len(report.skipped)} skipped: {summary}")
    return "\n".join(out) + "\n"
