"""JudgeStage against a real loopback OpenAI-compatible server: every test asserts the report."""

from __future__ import annotations

import json

from fake_llm import Reply, good_answer
from judge_helpers import MODEL, fact_value, options, run_stage, verdict

from grader.core.stage import CancelToken


def test_scored_median_of_samples_with_verified_evidence(fake_llm, repo, tmp_path):
    scores = iter([2, 1, 2])
    fake_llm.script = lambda req, n: Reply(answer=good_answer(req, next(scores), "chats_controller"))
    out = run_stage(repo, options(fake_llm, tmp_path, samples=3))
    v = verdict(out)
    assert out.status == "ok" and out.summary.status == "ok"
    assert v.status == "scored" and v.score == 2 and v.samples == [2, 1, 2] and v.spread == 1
    assert v.evidence and all(e.verified for e in v.evidence)
    assert v.evidence[0].file == "app/controllers/chats_controller.rb"
    assert fact_value(out) == 2
    assert v.calls == 3 and out.summary.calls == 3 and fake_llm.calls == 3
    assert out.summary.tokens_in == 3000 and out.summary.tokens_out == 300
    assert out.summary.prompt_version.startswith("sha256:") and v.prompt_version == out.summary.prompt_version
    # tool-call mode: the request offered the answer schema as a tool
    assert fake_llm.requests[0]["tools"][0]["function"]["parameters"]["properties"]["score"]["maximum"] == 2


def test_json_mode(fake_llm, repo, tmp_path):
    fake_llm.script = lambda req, n: Reply(answer=good_answer(req, 1, "chats_controller"))
    out = run_stage(repo, options(fake_llm, tmp_path, mode="json"))
    assert "tools" not in fake_llm.requests[0]
    assert verdict(out).status == "scored" and fact_value(out) == 1


def test_invented_quote_is_reasked_once_then_unverified(fake_llm, repo, tmp_path):
    def script(req, n):
        answer = good_answer(req, 2, "chats_controller")
        answer["evidence"][0]["quote"] = "rescue_from StandardError, with: :friendly_error_page"
        return Reply(answer=answer)

    fake_llm.script = script
    out = run_stage(repo, options(fake_llm, tmp_path))
    v = verdict(out)
    assert v.status == "unverified" and v.score is None
    assert fact_value(out) is None  # points stay pending
    assert fake_llm.calls == 2  # the answer and one re-ask
    reask = fake_llm.requests[1]["messages"][-1]["content"]
    assert "does not occur in app/controllers/chats_controller.rb:1-1" in reask
    assert v.evidence[0].verified is False and "does not occur" in v.evidence[0].problem
    assert out.status == "partial" and "error_ui_quality" in out.summary.reason


def test_invented_quote_fixed_on_reask_counts(fake_llm, repo, tmp_path):
    def script(req, n):
        answer = good_answer(req, 1, "chats_controller")
        if n == 1:
            answer["evidence"][0].update(start_line=40, end_line=42)
        return Reply(answer=answer)

    fake_llm.script = script
    out = run_stage(repo, options(fake_llm, tmp_path))
    assert verdict(out).status == "scored" and fact_value(out) == 1
    assert "outside the file (it has 8 lines)" in fake_llm.requests[1]["messages"][-1]["content"]


def test_score_out_of_range_is_reasked_by_instructor(fake_llm, repo, tmp_path):
    fake_llm.script = lambda req, n: Reply(answer=good_answer(req, 7 if n == 1 else 2, "chats_controller"))
    out = run_stage(repo, options(fake_llm, tmp_path))
    assert fake_llm.calls == 2 and verdict(out).status == "scored" and fact_value(out) == 2
    assert verdict(out).calls == 2


def test_score_out_of_range_twice_stays_pending(fake_llm, repo, tmp_path):
    fake_llm.script = lambda req, n: Reply(answer=good_answer(req, 9, "chats_controller"))
    out = run_stage(repo, options(fake_llm, tmp_path))
    v = verdict(out)
    assert v.status == "unverified" and "no valid structured answer" in v.reason
    assert fact_value(out) is None


def test_malformed_tool_arguments_then_valid(fake_llm, repo, tmp_path):
    def script(req, n):
        if n == 1:
            call = {"id": "c", "type": "function",
                    "function": {"name": req["tools"][0]["function"]["name"],
                                 "arguments": '{"score": 2, "rationale": '}}
            body = {"id": "x", "object": "chat.completion", "created": 0, "model": MODEL,
                    "choices": [{"index": 0, "finish_reason": "tool_calls",
                                 "message": {"role": "assistant", "content": None, "tool_calls": [call]}}],
                    "usage": {"prompt_tokens": 10, "completion_tokens": 5, "total_tokens": 15}}
            return Reply(body=json.dumps(body).encode())
        return Reply(answer=good_answer(req, 2, "chats_controller"))

    fake_llm.script = script
    out = run_stage(repo, options(fake_llm, tmp_path))
    assert fake_llm.calls == 2 and verdict(out).status == "scored"


def test_malformed_http_body_is_retried(fake_llm, repo, tmp_path):
    fake_llm.script = lambda req, n: (Reply(body=b'{"choices": [nope') if n == 1
                                      else Reply(answer=good_answer(req, 2, "chats_controller")))
    out = run_stage(repo, options(fake_llm, tmp_path))
    assert fake_llm.calls == 2 and verdict(out).status == "scored" and verdict(out).calls == 2


def test_429_honours_retry_after(fake_llm, repo, tmp_path):
    import time

    stamps = []

    def script(req, n):
        stamps.append(time.monotonic())
        if n == 1:
            return Reply(status=429, body=b'{"error": {"message": "slow down"}}', headers={"Retry-After": "1"})
        return Reply(answer=good_answer(req, 2, "chats_controller"))

    fake_llm.script = script
    out = run_stage(repo, options(fake_llm, tmp_path, backoff=0.01))
    assert verdict(out).status == "scored" and fake_llm.calls == 2
    assert stamps[1] - stamps[0] >= 0.95  # waited what Retry-After said, not the 0.01 s backoff


def test_outage_fails_with_reason_and_leaves_points_pending(fake_llm, repo, tmp_path):
    fake_llm.script = lambda req, n: Reply(status=500, body=b'{"error": {"message": "upstream down"}}')
    out = run_stage(repo, options(fake_llm, tmp_path, retries=2, samples=3))
    v = verdict(out)
    assert v.status == "failed" and "InternalServerError" in v.reason and "upstream down" in v.reason
    assert fact_value(out) is None
    assert fake_llm.calls == 3  # one sample: first try + 2 retries; the other samples are not tried in an outage
    assert out.status == "failed" and out.summary.status == "failed"


def test_timeout_fails_the_criterion(fake_llm, repo, tmp_path):
    fake_llm.script = lambda req, n: Reply(answer=good_answer(req, 2, "chats_controller"), delay=3)
    out = run_stage(repo, options(fake_llm, tmp_path, timeout=0.5, retries=1))
    v = verdict(out)
    assert v.status == "failed" and "Timeout" in v.reason
    assert fake_llm.calls == 2


def test_answer_contradicting_a_fact_is_recorded_and_not_counted(fake_llm, repo, tmp_path):
    fake_llm.script = lambda req, n: Reply(answer=good_answer(
        req, 0, "chats_controller", relies_on=[{"fact": "errors.rescue_around_llm", "value": False}]))
    out = run_stage(repo, options(fake_llm, tmp_path))
    v = verdict(out)
    assert v.status == "unverified" and fact_value(out) is None
    assert v.contradicts_facts == ["errors.rescue_around_llm is True, the answer assumed False"]
    assert "contradicts a given fact" in fake_llm.requests[1]["messages"][-1]["content"]


def test_fact_agreeing_answer_is_fine(fake_llm, repo, tmp_path):
    fake_llm.script = lambda req, n: Reply(answer=good_answer(
        req, 1, "chats_controller", relies_on=[{"fact": "errors.rescue_around_llm", "value": "true"}]))
    out = run_stage(repo, options(fake_llm, tmp_path))
    assert verdict(out).status == "scored" and verdict(out).contradicts_facts == []


def test_unstable_samples_are_flagged_and_pending(fake_llm, repo, tmp_path):
    scores = iter([0, 2, 2])
    fake_llm.script = lambda req, n: Reply(answer=good_answer(req, next(scores), "chats_controller"))
    out = run_stage(repo, options(fake_llm, tmp_path, samples=3))
    v = verdict(out)
    assert v.status == "unstable" and v.spread == 2 and v.score == 2 and "needs a human" in v.reason
    assert fact_value(out) is None


def test_second_identical_run_makes_no_calls(fake_llm, repo, tmp_path):
    fake_llm.script = lambda req, n: Reply(answer=good_answer(req, 2, "chats_controller"))
    opts = options(fake_llm, tmp_path, samples=2, criteria=None, holistic=True)
    first = run_stage(repo, opts)
    made = fake_llm.calls
    assert made == 2 * 5 and first.summary.cached_calls == 0
    second = run_stage(repo, opts)
    assert fake_llm.calls == made  # nothing asked
    assert second.summary.calls == 0 and second.summary.cached_calls == 10
    assert [f.value for f in second.facts] == [f.value for f in first.facts]
    # a changed file is a different request
    (repo / "app/controllers/chats_controller.rb").write_text("class ChatsController < ApplicationController\nend\n")
    run_stage(repo, opts)
    assert fake_llm.calls > made


def test_max_cost_stops_before_the_budget_is_exceeded(fake_llm, repo, tmp_path):
    from grader.judge.options import Price

    fake_llm.script = lambda req, n: Reply(answer=good_answer(req, 2, "chats_controller"))
    price = Price(input_per_mtok=1000.0, output_per_mtok=1000.0)  # ~$2 a call at 1000 in / 100 out
    out = run_stage(repo, options(fake_llm, tmp_path, samples=1, criteria=None, price=price, max_cost=8.0,
                                  cache_path=None))
    s = out.summary
    assert s.cost_usd <= 8.0 and s.cost_usd > 0
    assert any(v.status == "skipped" and "--max-cost" in v.reason for v in s.verdicts)
    assert any("--max-cost 8 USD reached" in w for w in s.warnings)
    assert all(v.cost_usd == round((v.tokens_in + v.tokens_out) * 1000 / 1e6, 6) for v in s.verdicts)


def test_without_key_or_api_base_the_stage_is_skipped(monkeypatch, repo, tmp_path):
    from grader.judge import JudgeOptions

    monkeypatch.delenv("OPENAI_API_KEY", raising=False)
    out = run_stage(repo, JudgeOptions(models=["openai/gpt-4.1-mini"], cache_path=None))
    assert out.status == "skipped" and "OPENAI_API_KEY" in out.detail and "--judge-api-base" in out.detail
    assert out.facts == [] and out.summary.status == "skipped"


def test_cancel_leaves_the_rest_pending(fake_llm, repo, tmp_path):
    token = CancelToken()

    def script(req, n):
        token.cancel("user cancelled")
        return Reply(answer=good_answer(req, 2, "chats_controller"))

    fake_llm.script = script
    events = []
    out = run_stage(repo, options(fake_llm, tmp_path, criteria=None, samples=2), cancel=token, progress=events.append)
    statuses = [v.status for v in out.summary.verdicts]
    assert fake_llm.calls <= 4  # jobs already running finish their current call, nothing new starts
    assert "skipped" in statuses
    assert any(e.stage == "judge" and e.state == "skipped" for e in events)


def test_panel_keeps_each_models_verdicts(fake_llm, repo, tmp_path):
    fake_llm.script = lambda req, n: Reply(answer=good_answer(req, 2 if req["model"] == "fake-a" else 1,
                                                              "chats_controller"))
    out = run_stage(repo, options(fake_llm, tmp_path, models=["openai/fake-a", "openai/fake-b"]))
    by_model = {v.model: v for v in out.summary.verdicts}
    assert by_model["openai/fake-a"].score == 2 and by_model["openai/fake-b"].score == 1
    assert out.summary.models == ["openai/fake-a", "openai/fake-b"]
    assert fact_value(out) == 1.5


def test_progress_per_criterion(fake_llm, repo, tmp_path):
    fake_llm.script = lambda req, n: Reply(answer=good_answer(req, 2, "chats_controller"))
    events = []
    run_stage(repo, options(fake_llm, tmp_path, criteria=None), progress=events.append)
    started = {e.step for e in events if e.state == "started"}
    assert started == {"criterion error_ui_quality", "criterion persistence_design", "criterion architecture_quality"}
    assert max(e.done for e in events) == 3 and all(e.total == 3 for e in events)


def test_a_run_budget_is_shared_through_its_ledger(fake_llm, repo, tmp_path):
    """grade-many's workers are separate processes: they share --max-cost through one ledger file."""
    import sqlite3

    from grader.judge.options import Price

    fake_llm.script = lambda req, n: Reply(answer=good_answer(req, 2, "chats_controller"))
    price = Price(input_per_mtok=1000.0, output_per_mtok=1000.0)
    ledger = tmp_path / "run-budget.sqlite3"
    first = run_stage(repo, options(fake_llm, tmp_path, price=price, max_cost=100.0, cache_path=None,
                                    budget_ledger=ledger))
    spent = first.summary.cost_usd
    assert verdict(first).status == "scored" and spent == 1.1  # 1000 tokens in + 100 out at $1000/Mtok
    with sqlite3.connect(ledger) as db:  # estimates reserved, then settled to what was spent
        assert abs(db.execute("SELECT SUM(usd) FROM spend").fetchone()[0] - spent) < 1e-9
    second = run_stage(repo, options(fake_llm, tmp_path, price=price, max_cost=spent + 0.01, cache_path=None,
                                     budget_ledger=ledger))
    assert verdict(second).status == "skipped" and "--max-cost" in verdict(second).reason
    assert fake_llm.calls == 1


def test_anchor_step_rules():
    from grader.judge.criteria import CriterionSpec, anchor_step

    def spec(anchors, points=4):
        return CriterionSpec("c", "d", points, "q", anchors, True)

    assert anchor_step(spec({"2": "a", "1": "b", "0": "c"}, 2)) == 1  # neighbours may disagree
    assert anchor_step(spec({"4": "yes", "0": "no"})) == 2  # a yes/no flip is unstable
    assert anchor_step(spec({}, 1)) == 0.5
    assert anchor_step(spec({"0-1": "weak", "2-3": "ok", "4": "good"})) == 1
