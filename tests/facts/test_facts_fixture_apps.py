"""Each fixture app shows exactly the defects its fixture.yaml declares, and good_app shows none of them."""

from __future__ import annotations

import pytest
from facts_helpers import fixture_apps

APPS = fixture_apps.names()
DEFECTIVE = [a for a in APPS if a != "good_app"]


@pytest.mark.parametrize("app", APPS)
def test_expected_facts_hold(fixture_facts, app):
    facts = fixture_facts(app)
    expect = fixture_apps.spec(app).get("expect") or {}
    assert expect, f"{app}/fixture.yaml declares no expected facts"
    wrong = {k: (v, facts[k].value) for k, v in expect.items() if facts[k].value != v}
    assert not wrong, f"{app}: fact -> (expected, got): {wrong}"


@pytest.mark.parametrize("app", DEFECTIVE)
def test_each_defect_is_visible_against_good_app(fixture_facts, app):
    """A defective app's declared facts differ from good_app's: the fixture really carries its defect."""
    good = fixture_facts("good_app")
    expect = fixture_apps.spec(app)["expect"]
    assert any(good[k].value != v for k, v in expect.items()), f"{app} looks like good_app on {list(expect)}"


def test_good_app_loses_little(fixture_facts):
    f = {k: v.value for k, v in fixture_facts("good_app").items()}
    assert f["gems.missing_required"] == [] and f["secrets.committed"] is False
    assert f["rubyllm.invented_calls"] == 0 and f["tests.mock_invented_api"] == 0
    assert f["hotwire.turbo_stream_responses"] > 0 and f["hotwire.stimulus_controllers"] == 1
    assert f["security.unsafe_html"] == 0 and f["concurrency.hazards"] == []


def test_rubyllm_client_invented_entry_class_comes_from_the_rules(fixture_facts):
    f = fixture_facts("rubyllm_client")
    assert f["rubyllm.invented_calls"].value >= 1
    assert "entry_class" in f["rubyllm.invented_kinds"].value
    assert any(e.file == "app/services/chat_reply.rb" and e.line == 19 for e in f["rubyllm.invented_kinds"].evidence)
    # No entry point: the fact cites nothing (it once cited a Tool class's unrelated RubyLLM line).
    assert f["rubyllm.entry_points"].value == [] and f["rubyllm.entry_points"].evidence == []


def test_entry_point_evidence_is_the_entry_call(fixture_facts):
    f = fixture_facts("good_app")
    assert f["rubyllm.entry_points"].value == ["RubyLLM.chat"]
    ev = f["rubyllm.entry_points"].evidence
    assert ev and all("RubyLLM.chat" in (e.snippet or "") for e in ev)


def test_committed_env_evidence_is_masked(fixture_repo, fixture_facts):
    secret = (fixture_repo("committed_env") / ".env").read_text().split("=", 1)[1].splitlines()[0]
    f = fixture_facts("committed_env")
    for fid in ("secrets.key_strings", "secrets.committed", "secrets.env_committed"):
        for e in f[fid].evidence:
            assert secret not in (e.snippet or ""), fid
            assert secret[12:40] not in (e.snippet or ""), fid
    assert {e.file for e in f["secrets.key_strings"].evidence} == {".env", "config/initializers/ruby_llm.rb"}


def test_nested_app_is_graded_in_its_folder(fixture_facts):
    f = fixture_facts("nested_folder")
    assert f["app.root"].value == "chat_app"
    assert f["app.nested"].value is True
    assert f["rubyllm.entry_points"].value == ["RubyLLM.chat"]
    assert f["tests.count"].value == fixture_facts("good_app")["tests.count"].value
    assert all(e.file.startswith("chat_app/") for e in f["rubyllm.ask"].evidence)
