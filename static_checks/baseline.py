"""A baseline: the findings a repo already had, so `check --baseline FILE` reports only new ones.

A finding is known by its rule, file and the text of its line (whitespace collapsed), not by its
line number, so code moving up or down keeps it known. Counts matter: two identical calls in a file
with one of them in the baseline leave one new finding. Paths are relative to the checked folder, so
one baseline serves one repository wherever it is checked out.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from pathlib import Path

from static_checks.records import CheckReport, Finding, leave_out

FORMAT = "grader-baseline"
VERSION = 1


class BaselineError(ValueError):
    """A baseline file that cannot be read or written; one line."""


def fingerprint(finding: Finding) -> str:
    # The line's code when the rule captured it, else the message with numbers blanked (a message
    # may name a line); never the line number itself.
    import hashlib  # here, not at the top: `check` without a baseline never loads OpenSSL's bindings

    text = " ".join((finding.snippet or re.sub(r"\d+", "#", finding.message)).split())
    return hashlib.sha256(f"{finding.rule}\0{finding.file}\0{text}".encode()).hexdigest()[:32]


def baseline_document(report: CheckReport) -> dict:
    entries = [{"rule": f.rule, "file": f.file, "line": f.line, "fingerprint": fingerprint(f), "message": f.message}
               for f in report.findings]
    return {"format": FORMAT, "version": VERSION, "tool_version": report.tool_version, "findings": entries}


def write_baseline(path: Path, reports: list[CheckReport]) -> int:
    """Write every finding of `reports` to `path`; returns how many."""
    document = baseline_document(reports[0]) if reports else {"format": FORMAT, "version": VERSION, "findings": []}
    for extra in reports[1:]:
        document["findings"].extend(baseline_document(extra)["findings"])
    document["findings"].sort(key=lambda e: (e["file"], e["line"], e["rule"]))
    try:
        Path(path).parent.mkdir(parents=True, exist_ok=True)
        tmp = Path(path).with_name(Path(path).name + ".tmp")
        tmp.write_text(json.dumps(document, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
        tmp.replace(path)
    except OSError as exc:
        raise BaselineError(f"cannot write baseline {path}: {exc.strerror or exc}") from None
    return len(document["findings"])


def read_baseline(path: Path) -> Counter[str]:
    """Fingerprints of a baseline file, with how many findings each stands for."""
    try:
        document = json.loads(Path(path).read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise BaselineError(f"no baseline file {path} (create it with --write-baseline)") from None
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise BaselineError(f"baseline {path} is not readable JSON: {exc}") from None
    if not isinstance(document, dict) or document.get("format") != FORMAT or not isinstance(
            document.get("findings"), list):
        raise BaselineError(f"{path} is not a grader baseline (write one with --write-baseline)")
    if document.get("version") != VERSION:
        raise BaselineError(f"baseline {path} has version {document.get('version')!r}; this grader reads {VERSION}")
    counts: Counter[str] = Counter()
    for entry in document["findings"]:
        if not isinstance(entry, dict) or not isinstance(entry.get("fingerprint"), str):
            raise BaselineError(f"baseline {path}: an entry without a fingerprint")
        counts[entry["fingerprint"]] += 1
    return counts


def apply_baseline(report: CheckReport, known: Counter[str], source: str) -> CheckReport:
    """Move findings the baseline knows to `report.suppressed` (the first ones by line when a finding
    appears more often now than in the baseline); `known` itself is left as it was."""
    left = Counter(known)
    kept: list[Finding] = []
    for finding in report.findings:  # already in file, line order
        key = fingerprint(finding)
        if left[key] > 0:
            left[key] -= 1
            leave_out(report, finding, "baseline", source)
        else:
            kept.append(finding)
    report.findings = kept
    return report
