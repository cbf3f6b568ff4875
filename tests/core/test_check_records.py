"""The check's light records (static_checks/records.py) against the public typed models: same JSON
bytes, same typed report, and the owner's filters working on either kind."""

from __future__ import annotations

import json

from static_checks import models, records
from static_checks.suppress import apply_settings


def _report(kind):
    """One report of every record kind, with text that JSON must escape or keep as it is."""
    tricky = 'quote " backslash \\ tab \t newline \n bell \x07 del \x7f é 日本 😀 \u2028 </script>'
    root_finding = kind.Finding(rule="rubyllm/unknown-method", category="api-hallucination", severity="error",
                                file="app/a.rb", line=3, column=5, message=tricky, evidence="e")
    use = kind.Finding(rule="rubyllm/invented-value-use", category=kind.Category.invented_use,
                       severity=kind.Severity.info, file="app/a.rb", line=4, column=1, message="m", evidence="e",
                       hint="h", snippet="x.y", extra={"n": 1, "f": 0.5, "big": 10**20, "ok": True, "none": None,
                                                       "list": [1, "two", [3]], "nested": {"k": ["v"]}},
                       related=[kind.RelatedLocation(rule="rubyllm/unknown-method", file="app/a.rb", line=3, column=5,
                                                     message=tricky)])
    comment = kind.InlineSuppression(file="app/a.rb", line=2, applies_to=3, rules=["rubyllm/x"], honoured=False,
                                     reason=None, problem="unknown rule")
    return kind.CheckReport(
        tool_version="0.1", files_analyzed=2, findings=[root_finding, use],
        roots=[kind.AppRoot(path=".", ruby_llm_version="1.6.2", version_source="Gemfile.lock"),
               kind.AppRoot(path="b", ruby_llm_version="1.9.0", version_source=kind.VersionSource.newest_release,
                            version_detail="~> 1.0")],
        skipped=[kind.SkippedFile(file="big.rb", reason="larger than 1 MB")], incomplete=["rule x on a.rb"],
        suppressions=[comment],
        suppressed=[kind.SuppressedFinding(finding=root_finding, by="baseline", detail=None)])


def test_the_json_report_is_pydantics_byte_for_byte():
    light, typed = _report(records), _report(models)
    for exclude in ({"facts"}, None):
        assert light.model_dump_json(indent=2, exclude=exclude) == typed.model_dump_json(indent=2, exclude=exclude)
    assert light.model_dump_json() == typed.model_dump_json()  # compact, as pydantic writes it without an indent
    assert light.model_dump(mode="json") == typed.model_dump(mode="json")


def test_typed_gives_the_public_model_with_the_same_content():
    got = models.typed(_report(records))
    assert type(got) is models.CheckReport and type(got.findings[1].related[0]) is models.RelatedLocation
    assert got == _report(models)
    assert got.findings[0].severity is models.Severity.error is records.Severity.error  # one enum for both


def test_a_copy_changes_only_what_it_is_told_and_copies_like_validation():
    extra = {"a": 1}
    finding = records.Finding(rule="r", category="parse", severity="warning", file="f", line=1, column=1,
                              message="m", evidence="e", extra=extra)
    extra["later"] = True  # the finding took a copy, as pydantic's validation does
    moved = finding.model_copy(update={"severity": records.Severity.info})
    assert finding.extra == {"a": 1} and finding.severity is records.Severity.warning
    assert moved.severity is records.Severity.info and moved.message == "m" and moved != finding


def test_the_owners_filters_keep_each_report_in_its_own_kind():
    class Settings:
        exclude: list[str] = []
        disable = ["unknown-method"]
        severity: dict[str, str] = {}

    for kind in (records, models):
        report = apply_settings(_report(kind), Settings())
        assert [type(s) for s in report.suppressed] == [kind.SuppressedFinding] * 2
        assert [s.by for s in report.suppressed] == ["baseline", "disable"]
    light, typed = (apply_settings(_report(kind), Settings()) for kind in (records, models))
    assert json.loads(light.model_dump_json(indent=2)) == json.loads(typed.model_dump_json(indent=2))
