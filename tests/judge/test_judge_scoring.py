"""Judge facts in the scoring engine: points earned with provenance `judge`, pending falls, and the
rubric's caps still apply after the judge."""

from __future__ import annotations

from fake_llm import Reply, good_answer
from judge_helpers import facts_v1, options, run_stage

from grader.rubric import load_rubric
from grader.scoring import FactSet, score
from static_checks.models import Fact


def _dim(card, dim_id):
    return next(d for d in card.dimensions if d.id == dim_id)


def test_judge_points_enter_their_dimension_and_pending_falls(fake_llm, repo, tmp_path):
    fake_llm.script = lambda req, n: Reply(answer=good_answer(req, 1, "chats_controller"))
    rubric = load_rubric("rails-rubyllm-v1")
    before = score(rubric, facts_v1())
    out = run_stage(repo, options(fake_llm, tmp_path))
    after = score(rubric, FactSet(facts_v1().facts + out.facts, missing_stages={"runtime", "selfreview"}))
    b, a = _dim(before, "errors"), _dim(after, "errors")
    assert any(p.id == "error_ui_quality" and p.source == "judge" for p in b.pending)
    assert not any(p.id == "error_ui_quality" for p in a.pending)
    assert after.pending_points == before.pending_points - 2  # the criterion's 2 points are decided
    lost = next(d for d in a.deductions if d.id == "error_ui_quality")
    assert lost.kind == "judge" and lost.because == "the judge awarded 1 of 2"
    assert lost.facts == {"judge.error_ui_quality": 1.0}
    assert lost.evidence and lost.evidence[0].file == "app/controllers/chats_controller.rb"


def test_undecided_criterion_keeps_its_points_pending(fake_llm, repo, tmp_path):
    fake_llm.script = lambda req, n: Reply(status=500, body=b'{"error": {"message": "down"}}')
    rubric = load_rubric("rails-rubyllm-v1")
    out = run_stage(repo, options(fake_llm, tmp_path, retries=0))
    card = score(rubric, FactSet(facts_v1().facts + out.facts, missing_stages={"runtime", "selfreview"}))
    assert any(p.id == "error_ui_quality" and p.source == "judge" for p in _dim(card, "errors").pending)
    assert card.pending_points == score(rubric, facts_v1()).pending_points


def test_caps_apply_after_the_judge():
    """v2: the judge may find streaming real (4/4), but when the facts say nothing is broadcast from
    inside the ask block the rubric caps the dimension at 2, after the judge."""
    rubric = load_rubric("rails-rubyllm-v2")
    judged = Fact(id="judge.streaming_is_real", value=4.0, rule="judge")
    capped = FactSet([Fact(id="hotwire.streams_in_ask_block", value=False, rule="t"), judged],
                     missing_stages={"runtime", "selfreview"})
    free = FactSet([Fact(id="hotwire.streams_in_ask_block", value=True, rule="t"), judged],
                   missing_stages={"runtime", "selfreview"})
    dim = _dim(score(rubric, capped), "streaming")
    assert dim.score + dim.pending_points <= 2
    assert any(d.id == "reply_appended_at_end" and d.kind == "cap" for d in dim.deductions)
    assert not any(p.id == "streaming_is_real" for p in dim.pending)  # decided by the judge, then capped
    uncapped = _dim(score(rubric, free), "streaming")
    assert uncapped.score + uncapped.pending_points > 2
