"""Parse what the tools printed inside the sandbox: test summaries, SimpleCov files, gate JSON.

Pure functions over text/bytes so they are tested without Docker. Anything unparseable returns
None (unknown), never zero: a missing count must not read as "no failures".
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass

_MINITEST_SUMMARY = re.compile(
    r"(?P<runs>\d+) (?:runs|tests), (?P<assertions>\d+) assertions, (?P<failures>\d+) failures, "
    r"(?P<errors>\d+) errors, (?P<skips>\d+) skips"
)
_RSPEC_SUMMARY = re.compile(
    r"(?P<examples>\d+) examples?, (?P<failures>\d+) failures?(?:, (?P<pending>\d+) pending)?"
    r"(?:, (?P<errors>\d+) errors? occurred outside of examples)?"
)
_RSPEC_OUTSIDE = re.compile(r"(?P<errors>\d+) errors? occurred outside of examples")


@dataclass
class TestCounts:
    runs: int | None = None
    assertions: int | None = None
    failures: int | None = None
    errors: int | None = None
    skips: int | None = None


def parse_minitest(output: str) -> TestCounts | None:
    """Last summary line wins (a suite may print several when it re-runs)."""
    matches = list(_MINITEST_SUMMARY.finditer(output))
    if not matches:
        return None
    m = matches[-1]
    return TestCounts(
        runs=int(m["runs"]),
        assertions=int(m["assertions"]),
        failures=int(m["failures"]),
        errors=int(m["errors"]),
        skips=int(m["skips"]),
    )


def parse_rspec(output: str) -> TestCounts | None:
    matches = list(_RSPEC_SUMMARY.finditer(output))
    if not matches:
        return None
    m = matches[-1]
    outside = _RSPEC_OUTSIDE.search(output)
    errors = int(m["errors"] or (outside["errors"] if outside else 0))
    # RSpec has no assertion count; None keeps "unknown" distinct from zero.
    return TestCounts(
        runs=int(m["examples"]),
        assertions=None,
        failures=int(m["failures"]),
        errors=errors,
        skips=int(m["pending"] or 0),
    )


def parse_tests(framework: str, output: str) -> TestCounts | None:
    return parse_rspec(output) if framework == "rspec" else parse_minitest(output)


def reporter_counts(output: str, token: str) -> tuple[TestCounts | None, int]:
    """Counts our Minitest plugin wrote (`GRADER-RESULT <token> {json}`), and how many such lines
    carried the token (more than one: someone else printed one too)."""
    found = re.findall(rf"^GRADER-RESULT {re.escape(token)} (\{{.*\}})\s*$", output, flags=re.MULTILINE)
    if len(found) != 1:
        return None, len(found)
    try:
        data = json.loads(found[0])
        return TestCounts(**{k: int(data[k]) for k in ("runs", "assertions", "failures", "errors", "skips")}), 1
    except (ValueError, KeyError, TypeError):
        return None, 1


def strip_reporter_lines(output: str) -> str:
    return re.sub(r"^GRADER-RESULT \S+ .*\n?", "", output, flags=re.MULTILINE)


@dataclass
class Coverage:
    line: float | None
    branch: float | None
    source: str


def coverage_from_last_run(data: bytes) -> Coverage | None:
    """SimpleCov >= 0.18 writes {"result": {"line": 93.1, "branch": 71.4}}; older ones
    {"result": {"covered_percent": 93.1}}."""
    try:
        result = json.loads(data).get("result") or {}
    except (ValueError, AttributeError):
        return None
    line = result.get("line", result.get("covered_percent"))
    branch = result.get("branch")
    if line is None and branch is None:
        return None
    return Coverage(_pct(line), _pct(branch), "coverage/.last_run.json")


def coverage_from_resultset(data: bytes) -> Coverage | None:
    """Recompute percentages from raw SimpleCov results (merged over every command name)."""
    try:
        resultset = json.loads(data)
    except ValueError:
        return None
    if not isinstance(resultset, dict):
        return None
    lines: dict[tuple[str, int], bool] = {}
    branches: dict[tuple[str, str], bool] = {}
    for run in resultset.values():
        files = (run or {}).get("coverage") or {}
        for path, entry in files.items():
            line_counts = entry.get("lines") if isinstance(entry, dict) else entry
            for index, hits in enumerate(line_counts or []):
                if hits is None or hits == "ignored":
                    continue
                key = (path, index)
                lines[key] = lines.get(key, False) or hits > 0
            for cond, targets in ((entry.get("branches") or {}) if isinstance(entry, dict) else {}).items():
                for target, hits in (targets or {}).items():
                    key = (path, f"{cond}/{target}")
                    branches[key] = branches.get(key, False) or hits > 0
    if not lines:
        return None
    line = 100.0 * sum(lines.values()) / len(lines)
    branch = 100.0 * sum(branches.values()) / len(branches) if branches else None
    return Coverage(round(line, 2), None if branch is None else round(branch, 2), "coverage/.resultset.json")


def _pct(value) -> float | None:
    try:
        return None if value is None else round(float(value), 2)
    except (TypeError, ValueError):
        return None


def _json_document(output: str):
    """Tools print warnings and stack traces around their JSON: try each line that opens a JSON
    object (last first, reading to the last `}`), then the outermost {...}."""
    end = output.rfind("}")
    if end < 0:
        return None
    starts = [i for i in range(len(output)) if output[i] == "{" and (i == 0 or output[i - 1] == "\n")]
    for start in [*reversed(starts), output.find("{")]:
        if 0 <= start < end:
            try:
                return json.loads(output[start : end + 1])
            except ValueError:
                continue
    return None


@dataclass
class GateCounts:
    clean: bool
    offenses: int | None = None
    files_inspected: int | None = None
    warnings: int | None = None
    ignored_warnings: int | None = None
    vulnerabilities: int | None = None


def parse_rubocop(output: str) -> GateCounts | None:
    doc = _json_document(output)
    summary = (doc or {}).get("summary") if isinstance(doc, dict) else None
    if not isinstance(summary, dict) or "offense_count" not in summary:
        return None
    offenses = int(summary["offense_count"])
    inspected, targets = summary.get("inspected_file_count"), summary.get("target_file_count")
    if inspected is not None and targets is not None and inspected < targets:
        return None  # RuboCop crashed on some files: a zero count would be a false pass
    return GateCounts(clean=offenses == 0, offenses=offenses, files_inspected=inspected)


def parse_brakeman(output: str) -> GateCounts | None:
    doc = _json_document(output)
    if not isinstance(doc, dict) or "warnings" not in doc:
        return None
    warnings = len(doc.get("warnings") or [])
    ignored = len(doc.get("ignored_warnings") or [])
    errors = len(doc.get("errors") or [])
    # Suppressed warnings are still warnings for the rubric (G12); errors mean a partial scan.
    return GateCounts(clean=warnings == 0 and ignored == 0 and errors == 0, warnings=warnings, ignored_warnings=ignored)


def parse_bundle_audit(output: str) -> GateCounts | None:
    doc = _json_document(output)
    if isinstance(doc, dict) and isinstance(doc.get("results"), list):
        count = len(doc["results"])
        return GateCounts(clean=count == 0, vulnerabilities=count)
    # Text format fallback: "No vulnerabilities found" / "Vulnerabilities found!" with "Name:" blocks.
    if "No vulnerabilities found" in output:
        return GateCounts(clean=True, vulnerabilities=0)
    if "Vulnerabilities found" in output:
        count = len(re.findall(r"^Name: ", output, flags=re.MULTILINE))
        return GateCounts(clean=False, vulnerabilities=count or None)
    return None


GATE_PARSERS = {"rubocop": parse_rubocop, "brakeman": parse_brakeman, "bundle_audit": parse_bundle_audit}


_ANSI = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]")


def tail(text: str, lines: int = 60, chars: int = 6000) -> str:
    """The end of a log, which is where build and boot errors are; terminal colour codes removed."""
    kept = "\n".join(_ANSI.sub("", text).rstrip().splitlines()[-lines:])
    return kept[-chars:]
