"""A job with a judge model, the judge calling a real OpenAI-compatible server on loopback (the judge
tests' fake): the report carries verdicts, and the human scoring page shows each criterion's cited evidence."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import pytest
from helpers import wait_for

pytest.importorskip("litellm")
_spec = importlib.util.spec_from_file_location("fake_llm_for_service",
                                               Path(__file__).resolve().parents[1] / "judge" / "fake_llm.py")
if _spec is None or not Path(_spec.origin).is_file():
    pytest.skip("the judge's loopback fake (tests/judge/fake_llm.py) is not here", allow_module_level=True)
fake_llm = importlib.util.module_from_spec(_spec)
sys.modules[_spec.name] = fake_llm  # its dataclasses look their module up
_spec.loader.exec_module(fake_llm)


@pytest.fixture
def judge_server(monkeypatch, tmp_path):
    server = fake_llm.FakeLLM().start()
    server.script = lambda req, n: fake_llm.Reply(answer=fake_llm.good_answer(req, 1))
    monkeypatch.setenv("GRADER_JUDGE_API_BASE", server.base)
    monkeypatch.setenv("GRADER_JUDGE_CACHE", str(tmp_path / "judge-cache.sqlite3"))
    monkeypatch.setenv("LITELLM_LOCAL_MODEL_COST_MAP", "True")
    yield server
    server.stop()


def test_judged_job_shows_verdicts_and_cited_evidence_for_human_scoring(client, judge_server, good_app_tgz):
    r = client.post("/api/v1/jobs", files={"archive": ("good_app.tar.gz", good_app_tgz)},
                    data={"rubric": "rails-rubyllm-v2", "runtime": "false", "judge_models": "openai/fake-judge",
                          "samples": "1", "max_cost": "1"})
    assert r.status_code == 202, r.text
    assert r.json()["options"]["judge_models"] == ["openai/fake-judge"]
    job = wait_for(lambda: (j := client.get(r.json()["links"]["self"]).json())["status"] in ("done", "failed") and j,
                   180, what="the judged job")
    assert job["status"] == "done", job
    report = client.get(job["links"]["report"]).json()
    verdicts = report["judge"]["verdicts"]
    assert judge_server.calls >= 1 and verdicts
    cited = [v for v in verdicts if v["evidence"]]
    assert cited, verdicts
    page = client.get(f"/jobs/{job['id']}/score")
    assert page.status_code == 200 and "Cited evidence" in page.text
    first = cited[0]["evidence"][0]
    assert f"{first['file']}:{first['start_line']}" in page.text


def test_exports_read_back_with_the_calibration_readers(client, judge_server, good_app_tgz, tmp_path):
    from calibration.scores import read_human_csv, read_judge_csv

    r = client.post("/api/v1/jobs", files={"archive": ("good_app.tar.gz", good_app_tgz)},
                    data={"rubric": "rails-rubyllm-v2", "runtime": "false", "judge_models": "openai/fake-judge",
                          "samples": "2"})
    job = wait_for(lambda: (j := client.get(r.json()["links"]["self"]).json())["status"] in ("done", "failed") and j,
                   180, what="the judged job")
    assert job["status"] == "done", job
    saved = client.post(f"/api/v1/jobs/{job['id']}/human-scores",
                        json={"rater": "ann", "scores": [{"criterion": "streaming_is_real", "score": 2}]})
    assert saved.status_code == 201
    human = tmp_path / "human.csv"
    human.write_text(client.get("/api/v1/calibration/export", params={"rubric": "rails-rubyllm-v2"}).text)
    judge = tmp_path / "judge.csv"
    judge.write_text(client.get("/api/v1/calibration/judge-scores", params={"rubric": "rails-rubyllm-v2"}).text)
    humans = read_human_csv(human)
    judges = read_judge_csv(judge)
    assert [(h.item, h.dimension, h.criterion, h.score, h.rater) for h in humans] == [
        ("good_app", "streaming", "streaming_is_real", 2.0, "ann")]
    paired = [j for j in judges if j.key == humans[0].key]
    assert [j.sample for j in paired] == [0, 1] and {j.model for j in paired} == {"openai/fake-judge"}
