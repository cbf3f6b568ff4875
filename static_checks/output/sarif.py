"""SARIF 2.1.0, the format GitHub code scanning reads."""

from __future__ import annotations

import json

from static_checks.records import CheckReport, Finding, Severity

SARIF_SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
_LEVEL = {Severity.error: "error", Severity.warning: "warning", Severity.info: "note"}


def _rule_descriptor(f: Finding) -> dict:
    """The driver's entry for a rule: its own docs when it is a registered rule (parse and input
    findings have none)."""
    from static_checks.output.rule_docs import find_rule, rule_markdown, rule_text

    rule = find_rule(f.rule) if f.rule.startswith(("rubyllm/", "security/")) else None
    if rule is None:
        return {
            "id": f.rule,
            "shortDescription": {"text": f"{f.category.value}: {f.rule}"},
            "defaultConfiguration": {"level": _LEVEL[f.severity]},
            "properties": {"category": f.category.value},
        }
    return {
        "id": rule.id,
        "shortDescription": {"text": rule.summary},
        "fullDescription": {"text": rule.why},
        "help": {"text": rule_text(rule), "markdown": rule_markdown(rule)},
        "defaultConfiguration": {"level": _LEVEL[rule.severity]},
        "properties": {"category": rule.category.value, "proof": rule.proof.value},
    }


def _location(file: str, line: int, column: int) -> dict:
    return {
        "physicalLocation": {
            "artifactLocation": {"uri": file, "uriBaseId": "SRCROOT"},
            "region": {"startLine": max(line, 1), "startColumn": max(column, 1)},
        }
    }


def _related(f: Finding) -> dict:
    """The root finding a use follows from, as SARIF relatedLocations (id-linked from the message)."""
    if not f.related:
        return {}
    return {"relatedLocations": [
        {"id": i, **_location(r.file, r.line, r.column), "message": {"text": f"root [{r.rule}]: {r.message}"}}
        for i, r in enumerate(f.related)
    ]}


def _result(f: Finding, rule_index: int) -> dict:
    text = f.message if not f.hint else f"{f.message} ({f.hint})"
    return {
        "ruleId": f.rule,
        "ruleIndex": rule_index,
        "level": _LEVEL[f.severity],
        "message": {"text": text},
        "locations": [_location(f.file, f.line, f.column)],
        **_related(f),
        "properties": {"evidence": f.evidence, "category": f.category.value},
    }


def _suppression(by: str, detail: str | None) -> dict:
    # SARIF's own field, which code scanning shows as dismissed: inline comments are `inSource`,
    # the settings file and the baseline `external`.
    entry = {"kind": "inSource" if by == "inline" else "external", "status": "accepted"}
    entry["justification"] = f"{by}: {detail}" if detail else by
    return entry


def to_sarif(report: CheckReport) -> dict:
    rule_ids: list[str] = []
    rules: list[dict] = []
    shown = [(f, None) for f in report.findings] + [(s.finding, s) for s in report.suppressed]
    for f, _ in shown:
        if f.rule in rule_ids:
            continue
        rule_ids.append(f.rule)
        rules.append(_rule_descriptor(f))
    results = []
    for f, suppressed in shown:
        result = _result(f, rule_ids.index(f.rule))
        if suppressed is not None:
            result["suppressions"] = [_suppression(suppressed.by, suppressed.detail)]
        results.append(result)
    return {
        "$schema": SARIF_SCHEMA,
        "version": "2.1.0",
        "runs": [
            {
                "tool": {
                    "driver": {
                        "name": "grader",
                        "version": report.tool_version,
                        "rules": rules,
                    }
                },
                "results": results,
                "properties": {
                    "roots": [r.model_dump(mode="json") for r in report.roots],
                },
            }
        ],
    }


def to_sarif_json(report: CheckReport) -> str:
    return json.dumps(to_sarif(report), indent=2) + "\n"
