"""The shipped rubrics against the benchmark's numbers: each anchor as a small fact set, scored for real.

Only the dimension under test is read; facts of other dimensions are absent (their rules pending).
"""

from __future__ import annotations

import pytest

from grader.rubric import load_rubric
from grader.scoring import FactSet, check_scorecard, score

from scoring_helpers import fact


def dimension(rubric_name: str, dim: str, values: dict, missing=("judge", "runtime")):
    r = load_rubric(rubric_name)
    card = score(r, FactSet([fact(k, v, "x.rb", 1) for k, v in values.items()], missing_stages=missing))
    assert check_scorecard(card, r) == []
    d = next(d for d in card.dimensions if d.id == dim)
    return d.score + d.pending_points, d  # best case: what the facts leave reachable


PAYLOAD = {"tests.exact_payload_array": True, "tests.count_based_payload": False, "tests.mock_invented_api": 0,
           "rubyllm.multi_turn": "replayed_history"}


@pytest.mark.parametrize("changes, best", [
    ({}, 10),
    ({"tests.exact_payload_array": False}, 6),  # required exact-array test missing: cap about 6
    ({"tests.exact_payload_array": False, "tests.count_based_payload": True}, 5),  # count-based instead: -1
    ({"tests.mock_invented_api": 2}, 5),  # mocks a non-existent API: below no test
    ({"rubyllm.multi_turn": "none"}, 2),
])
def test_v2_payload_anchors(changes, best):
    got, _ = dimension("rails-rubyllm-v2", "payload", {**PAYLOAD, **changes})
    assert got == best


SELF_REVIEW = {"selfreview.present": True, "selfreview.rows": 14, "selfreview.invented_numbering": False,
               "selfreview.contradicted_claims": 0, "selfreview.fabricated_citations": 0, "selfreview.confessions": 2,
               "selfreview.unverifiable_claims": 3}


@pytest.mark.parametrize("changes, earned, best", [
    ({}, 12, 15),  # 15 when the judge finds the unverifiable claims true
    ({"selfreview.contradicted_claims": 1}, 11, 14),  # one over-claim: 14
    ({"selfreview.confessions": 0}, 11, 14),  # no honest confession: not 15
    ({"selfreview.contradicted_claims": 4, "selfreview.fabricated_citations": 2, "selfreview.confessions": 0},
     10, 10),  # several and fabricated: the 10-13 band, whatever the judge finds
    ({"selfreview.invented_numbering": True}, 10, 11),  # invented numbering: at most 11 (band floor 10 holds)
    ({"selfreview.present": False, "selfreview.rows": 0}, 0, 0),
])
def test_v2_self_review_bands(changes, earned, best):
    got, d = dimension("rails-rubyllm-v2", "self_review", {**SELF_REVIEW, **changes})
    assert (d.score, got) == (earned, best)


RUBYLLM_OK = {"rubyllm.entry_points": ["RubyLLM.chat"], "rubyllm.ask": True, "rubyllm.reads_content": True,
              "rubyllm.multi_turn": "reused_chat", "rubyllm.with_instructions": True, "rubyllm.bypass": False,
              "rubyllm.invented_kinds": [], "model.verdict": "latest"}


@pytest.mark.parametrize("kinds, best", [
    ([], 20),
    (["with_model_block"], 5),  # the benchmark's audit prompt: like an invented entry point
    (["other"], 17),  # a call the locked gem rejects (our addition): -3 once
    (["config_option", "other"], 17),
    (["version_drift"], 20),  # the locked release is only inferred: not charged
])
def test_v1_other_rejected_calls(kinds, best):
    got, _ = dimension("rails-rubyllm-v1", "rubyllm", {**RUBYLLM_OK, "rubyllm.invented_kinds": kinds})
    assert got == best
