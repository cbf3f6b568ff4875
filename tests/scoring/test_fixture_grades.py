"""Each fixture app graded without runtime or judge: exact deductions and scores per dimension.

Expected values are written per app as differences from good_app, so each defect reads as the
deductions it must cause and nothing else. Runtime and judge points stay pending (exact).
"""

from __future__ import annotations

import pytest

V1_BASE = {
    # dimension: (score, pending, applied deduction ids)
    "deliverables": (20, 5, []),  # 5 pending: runtime build/boot (validation phase)
    "rubyllm": (20, 0, []),
    "tests": (13, 0, ["untested_components"]),  # TitleGenerator has no test (a known gap of good_app)
    "errors": (8, 2, []),  # judge
    "persistence": (8, 2, []),  # judge
    "hotwire": (10, 0, []),
    "architecture": (3, 2, []),  # judge
    "production": (5, 0, []),
}
V1 = {
    "good_app": ({}, 87, "A"),
    "stock_readme": ({"deliverables": (15, 5, ["readme_stock"])}, 82, "A"),
    "no_compose": ({"deliverables": (15, 5, ["compose_missing"])}, 82, "A"),
    "nested_folder": ({"deliverables": (15, 5, ["nested_app_folder"])}, 82, "A"),
    "committed_env": ({"deliverables": (17, 5, ["secrets_committed"]), "production": (4, 0, ["secrets_leaked"])},
                      83, "A"),
    "rubyllm_client": ({
        # ChatReply replays the stored history into its (invented) client's messages: multi-turn
        # (issue 10, cause 4), so no 'no_multi_turn' line.
        "rubyllm": (0, 0, ["no_rubyllm_entry_point", "no_ask", "no_content_read",
                           "no_with_instructions", "invented_entry_class"]),
        # Tests do exercise ChatReply, the (broken) LLM path: the invented class is charged above.
        "tests": (15, 0, []),  # the fixture removed TitleGenerator, the one untested component
    }, 69, "B"),
    "fetch_innerhtml": ({"hotwire": (7, 0, ["fetch_innerhtml"])}, 84, "A"),
    "class_var_store": ({"persistence": (2, 2, ["process_local_store"]),
                         "production": (4, 0, ["process_local_state_not_multi_worker_safe"])}, 80, "A"),
    "csrf_off": ({"production": (3, 0, ["csrf_disabled_globally"])}, 85, "A"),
    "eval_calculator": ({"production": (3, 0, ["eval_in_app_code"])}, 85, "A"),
    # v1 has no self-review. ChatReply's test was removed; test_helper.rb still names ChatReply and
    # TitleGenerator, but a helper with no test case exercises nothing: two untested components.
    "overclaiming_self_review": ({"production": (3, 0, ["eval_in_app_code"]),
                                  "tests": (11, 0, ["untested_components"])}, 83, "A"),
}

V2_BASE = {
    "goal_gates": (13, 2, []),  # runtime boot
    "streaming": (6, 4, []),  # judge
    "payload": (6, 4, []),  # judge
    "persistence": (8, 2, []),  # judge
    "tools": (8, 2, []),  # judge
    "structured_output": (4, 1, []),  # judge
    "budget": (3, 2, []),  # judge
    "robustness": (9, 1, []),  # judge
    "tests_gates": (5, 5, []),  # runtime tests and gates
    "self_review": (12, 3, []),  # judge: unverifiable PASS claims (G5, G12, G13)
}
V2 = {
    "good_app": ({}, 74, "B"),
    "stock_readme": ({"goal_gates": (12, 2, ["readme_stock"]), "self_review": (11, 3, ["one_overclaim"])}, 72, "C"),
    "no_compose": ({"goal_gates": (11, 2, ["compose_missing"]),
                    # 15-1-3 = 11; the pending judge can take 1 more before the band floor of 10
                    "self_review": (10, 1, ["one_overclaim", "fabricated_citations", "fidelity_band_floor"])}, 70, "C"),
    "nested_folder": ({"goal_gates": (10, 2, ["nested_app_folder"]),
                       "self_review": (10, 2, ["several_overclaims", "fidelity_band_floor"])}, 69, "C"),
    "committed_env": ({"goal_gates": (10, 2, ["secrets_committed"]), "self_review": (11, 3, ["one_overclaim"])},
                      70, "C"),
    "rubyllm_client": ({
        "streaming": (0, 2, ["reply_appended_at_end"]),
        "tools": (5, 2, ["tools_not_registered"]),
        "structured_output": (0, 0, ["title_absent"]),
        "budget": (0, 2, ["budget_not_checked_before_call"]),
        # The invented RubyLLM::Client call is still the app's LLM path (issue 10, cause 15): it is
        # rescued in ChatReply#call (re-raised as ChatReply::Failure) and caught in MessagesController.
        "robustness": (7, 1, ["no_with_instructions"]),
        "self_review": (10, 0, ["several_overclaims", "fabricated_citations", "fidelity_band_floor"]),
    }, 54, "C"),
    "fetch_innerhtml": ({"goal_gates": (11, 2, ["fetch_innerhtml"]), "self_review": (11, 3, ["one_overclaim"])},
                        71, "C"),
    "class_var_store": ({
        # capped at 4, which is also the G6 floor: the pending judge review cannot take more
        "persistence": (4, 0, ["concurrency_hazards", "history_unbounded", "history_without_ttl",
                               "process_local_store"]),
        "self_review": (11, 3, ["one_overclaim"]),
    }, 69, "C"),
    "csrf_off": ({}, 74, "B"),  # rubric v2 has no CSRF rule of its own (Brakeman at runtime catches it)
    "eval_calculator": ({"tools": (6, 2, ["eval_calculator"]), "self_review": (11, 3, ["one_overclaim"])}, 71, "C"),
    "overclaiming_self_review": ({
        "payload": (2, 4, ["exact_array_test_missing"]),
        "tools": (6, 2, ["eval_calculator"]),
        "self_review": (10, 0, ["several_overclaims", "fabricated_citations", "no_honest_confession",
                                "fidelity_band_floor"]),  # the 10-13 band holds whatever the judge finds
    }, 66, "C"),
}
CASES = [("rails-rubyllm-v1", app, V1_BASE, *spec) for app, spec in V1.items()] + \
        [("rails-rubyllm-v2", app, V2_BASE, *spec) for app, spec in V2.items()]


@pytest.mark.parametrize("rubric,app,base,changes,total,tier", CASES, ids=[f"{c[0][-2:]}-{c[1]}" for c in CASES])
def test_fixture_app_exact_scores(graded, rubric, app, base, changes, total, tier):
    report = graded.grade(app, rubric)
    assert [s.name for s in report.stages if s.status == "failed"] == []
    want = {**base, **changes}
    got = {d.id: (d.score, d.pending_points, [x.id for x in d.deductions]) for d in report.dimensions}
    assert got == want
    pending = sum(p for _, p, _ in want.values())
    assert (report.total, report.pending_points, report.tier) == (total, pending, tier)
    assert report.tier_provisional and report.arithmetic_check.ok


def test_v1_pending_points_name_their_cause(graded):
    report = graded.grade("good_app", "rails-rubyllm-v1")
    pend = {p.id: (p.source, p.points) for d in report.dimensions for p in d.pending}
    assert pend == {
        "validation_phase_failed": ("unknown_facts", 5),
        "error_ui_quality": ("judge", 2),
        "persistence_design": ("judge", 2),
        "architecture_quality": ("judge", 2),
    }
    assert report.pending_points == 11 and report.tier_best_case == "A"


def test_deduction_evidence_points_at_the_defect(graded):
    def ev(app, rubric, dim, ded):
        report = graded.grade(app, rubric)
        d = next(d for d in report.dimensions if d.id == dim)
        x = next(x for x in d.deductions if x.id == ded)
        return {(e.file, e.line) for e in x.evidence}

    assert ("README.md", 3) in ev("stock_readme", "rails-rubyllm-v1", "deliverables", "readme_stock")
    assert any(f == "app/controllers/application_controller.rb" for f, _ in
               ev("csrf_off", "rails-rubyllm-v1", "production", "csrf_disabled_globally"))
    calc = ev("eval_calculator", "rails-rubyllm-v2", "tools", "eval_calculator")
    assert any(f == "app/tools/calculator_tool.rb" for f, _ in calc)
    cited = ev("overclaiming_self_review", "rails-rubyllm-v2", "self_review", "fabricated_citations")
    assert ("SELF_REVIEW.md", 11) in cited
    untested = ev("good_app", "rails-rubyllm-v1", "tests", "untested_components")
    assert untested == {("app/services/title_generator.rb", 2)}
    # A deduction for something absent cites no unrelated place.
    assert ev("rubyllm_client", "rails-rubyllm-v1", "rubyllm", "no_rubyllm_entry_point") == set()


def test_overclaiming_review_claims(graded):
    sr = graded.grade("overclaiming_self_review", "rails-rubyllm-v2").self_review
    status = {c.goal: c.status for c in sr.claims}
    assert [g for g, s in status.items() if s == "contradicted"] == ["G5", "G7"]
    assert sorted(g for g, s in status.items() if s == "unverifiable") == ["G11", "G12", "G13", "G4"]
    assert [(c.line, c.cited.split(":")[0]) for c in sr.fabricated_citations] == [
        (11, "test/services/chat_reply_test.rb")]  # the fixture removed that test file
    assert not sr.invented_numbering
