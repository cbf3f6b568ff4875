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
