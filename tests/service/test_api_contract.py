"""The /api/v1 contract against a real SQLite database and the real pipeline (runtime off, no judge)."""

from __future__ import annotations

import io
import zipfile

import pytest
from helpers import wait_for

RUBRIC = "rails-rubyllm-v2"
FORM = {"rubric": RUBRIC, "runtime": "false"}


def submit(client, data: bytes, name: str = "good_app.tar.gz", headers=None, form=None):
    return client.post("/api/v1/jobs", files={"archive": (name, data)}, data=form or FORM, headers=headers or {})


def finished(client, job_id: str, timeout: float = 120):
    def done():
        job = client.get(f"/api/v1/jobs/{job_id}").json()
        return job if job["status"] in ("done", "failed", "cancelled") else None
    return wait_for(done, timeout, what=f"job {job_id} to finish")


def test_upload_is_graded_and_reports_are_served(client, good_app_tgz):
    r = submit(client, good_app_tgz)
    assert r.status_code == 202, r.text
    job = r.json()
    assert job["status"] in ("queued", "running") and r.headers["location"] == f"/api/v1/jobs/{job['id']}"
    job = finished(client, job["id"])
    assert job["status"] == "done", job
    assert job["attempts"] == 1 and job["progress"] == 1.0
    assert job["result"]["repo_name"] == "good_app" and job["result"]["max_total"] == 100
    assert {t["stage"] for t in job["timings"]["stages"]} >= {"static", "runtime", "score"}
    assert job["timings"]["run_seconds"] > 0

    report = client.get(f"/api/v1/jobs/{job['id']}/report")
    assert report.status_code == 200 and report.headers["content-type"].startswith("application/json")
    body = report.json()
    assert body["total"] == job["result"]["total"] and body["rubric"] == RUBRIC
    assert next(s for s in body["stages"] if s["name"] == "runtime")["status"] == "skipped"
    md = client.get(f"/api/v1/jobs/{job['id']}/report.md")
    assert md.status_code == 200 and "good_app" in md.text
    html = client.get(f"/api/v1/jobs/{job['id']}/report.html")
    assert html.status_code == 200 and html.text.lstrip().lower().startswith("<!doctype html")
    assert "default-src 'none'" in html.headers["content-security-policy"]


def test_idempotency_key_returns_the_same_job(client, good_app_tgz):
    first = submit(client, good_app_tgz, headers={"Idempotency-Key": "run-42"})
    again = submit(client, good_app_tgz, headers={"Idempotency-Key": "run-42"})
    assert first.status_code == 202 and again.status_code == 200
    assert first.json()["id"] == again.json()["id"]
    assert client.get("/api/v1/jobs").json()["total"] == 1
    other = submit(client, good_app_tgz, form={"rubric": "rails-rubyllm-v1", "runtime": "false"},
                   headers={"Idempotency-Key": "run-42"})
    assert other.status_code == 422 and "Idempotency-Key" in other.json()["error"]["message"]


@pytest.mark.parametrize("kwargs, status, words", [
    ({"json": {"source": "/etc", "rubric": RUBRIC}}, 422, "git URL"),
    ({"json": {"source": "file:///srv/repo@abc", "rubric": RUBRIC}}, 422, "git URL"),
    ({"json": {"source": "https://example.org/a.git", "rubric": RUBRIC}}, 422, "pin the commit"),
    ({"json": {"source": "https://example.org/a.git@abc", "rubric": "nope"}}, 422, "unknown rubric"),
    ({"json": {"source": "https://example.org/a.git@abc"}}, 422, "rubric"),
    ({"json": {"source": "https://x/a.git@abc", "rubric": RUBRIC, "options": {"samples": 0}}}, 422, "samples"),
    ({"json": {"source": "https://x/a.git@abc", "rubric": RUBRIC, "extra": 1}}, 422, "extra"),
    ({"content": b"{not json", "headers": {"content-type": "application/json"}}, 422, "not valid JSON"),
    ({"content": b"[" * 50_000 + b"]" * 50_000, "headers": {"content-type": "application/json"}}, 413, "at most"),
    ({"content": b"[" * 20_000 + b"]" * 20_000, "headers": {"content-type": "application/json"}}, 422, "JSON"),
    ({"content": b"[1]", "headers": {"content-type": "application/json"}}, 422, "request"),
    ({"content": b"hello", "headers": {"content-type": "text/plain"}}, 415, "multipart/form-data"),
    ({"files": {"archive": ("repo.rar", b"x")}, "data": FORM}, 422, ".tar.gz"),
    ({"files": {"archive": ("repo.tar.gz", b"")}, "data": FORM}, 422, "empty"),
    ({"files": {"other": ("repo.tar.gz", b"x")}, "data": FORM}, 422, "archive"),
    ({"files": {"archive": ("repo.tar.gz", b"x")}, "data": {"runtime": "false"}}, 422, "rubric"),
    ({"files": {"archive": ("repo.tar.gz", b"x")}, "data": {**FORM, "samples": "many"}}, 422, "samples"),
])
def test_bad_submissions_get_a_4xx_saying_what_to_fix(client, kwargs, status, words):
    r = client.post("/api/v1/jobs", **kwargs)
    assert r.status_code == status, r.text
    err = r.json()["error"]
    assert err["status"] == status and words.lower() in err["message"].lower(), err


def test_upload_size_limit(client_factory):
    client = client_factory(workers=0, max_upload_bytes=1000)
    r = submit(client, b"\0" * 5000)
    assert r.status_code == 413 and "1000" in r.json()["error"]["message"]


def test_a_bad_archive_fails_the_job_with_its_reason(client):
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("../escape.rb", "puts 1")
    job = finished(client, submit(client, buf.getvalue(), name="evil.zip").json()["id"])
    assert job["status"] == "failed" and job["error"] and ".." in job["error"]
    r = client.get(f"/api/v1/jobs/{job['id']}/report")
    assert r.status_code == 409 and "failed" in r.json()["error"]["message"]


def test_unknown_job_and_endpoint_are_json_404(client):
    r = client.get("/api/v1/jobs/doesnotexist")
    assert r.status_code == 404 and "no job" in r.json()["error"]["message"]
    r = client.get("/api/v1/nothing-here")
    assert r.status_code == 404 and "no such endpoint" in r.json()["error"]["message"]


def test_cancel_a_queued_job(client_factory, good_app_tgz):
    client = client_factory(workers=0)  # nothing runs: the job stays queued
    job = submit(client, good_app_tgz).json()
    r = client.post(f"/api/v1/jobs/{job['id']}/cancel")
    assert r.status_code == 200 and r.json()["status"] == "cancelled"
    again = client.post(f"/api/v1/jobs/{job['id']}/cancel")
    assert again.status_code == 409 and "already cancelled" in again.json()["error"]["message"]


def test_cancel_a_running_job_stops_it(client, good_app_tgz, monkeypatch):
    monkeypatch.setenv("GRADER_SERVICE_JOB_DELAY", "30")
    job = submit(client, good_app_tgz).json()
    wait_for(lambda: client.get(f"/api/v1/jobs/{job['id']}").json()["status"] == "running", 30, what="running")
    r = client.post(f"/api/v1/jobs/{job['id']}/cancel")
    assert r.status_code == 200 and r.json()["cancel_requested"] is True
    done = finished(client, job["id"], timeout=20)
    assert done["status"] == "cancelled" and "cancel" in done["error"]


def test_list_filters_and_pagination(client_factory, good_app_tgz):
    client = client_factory(workers=0)
    ids = [submit(client, good_app_tgz, form={"rubric": RUBRIC if i % 2 else "rails-rubyllm-v1",
                                              "runtime": "false"}).json()["id"] for i in range(5)]
    client.post(f"/api/v1/jobs/{ids[0]}/cancel")
    page = client.get("/api/v1/jobs", params={"limit": 2}).json()
    assert page["total"] == 5 and len(page["jobs"]) == 2 and page["next_offset"] == 2
    assert [j["id"] for j in page["jobs"]] == ids[::-1][:2]  # newest first
    last = client.get("/api/v1/jobs", params={"limit": 2, "offset": 4}).json()
    assert len(last["jobs"]) == 1 and last["next_offset"] is None
    assert client.get("/api/v1/jobs", params={"rubric": RUBRIC}).json()["total"] == 2
    cancelled = client.get("/api/v1/jobs", params={"status": "cancelled"}).json()
    assert [j["id"] for j in cancelled["jobs"]] == [ids[0]]
    bad = client.get("/api/v1/jobs", params={"status": "weird", "limit": 0})
    assert bad.status_code == 422 and "status" in bad.json()["error"]["message"]


def test_quota_on_active_jobs(client_factory, good_app_tgz):
    client = client_factory(workers=0, default_max_active=2)
    assert [submit(client, good_app_tgz).status_code for _ in range(2)] == [202, 202]
    r = submit(client, good_app_tgz)
    assert r.status_code == 429 and "limit 2" in r.json()["error"]["message"]


def test_leaderboard_human_scores_and_calibration_export(client, good_app_tgz, tmp_path):
    from helpers import fixture_archive

    good = finished(client, submit(client, good_app_tgz).json()["id"])
    leaky = fixture_archive("committed_env", tmp_path)
    bad = finished(client, submit(client, leaky, name="committed_env.tar.gz").json()["id"])
    board = client.get("/api/v1/leaderboard", params={"rubric": RUBRIC}).json()
    names = [row["name"] for row in board["rows"]]
    assert set(names) == {"good_app", "committed_env"}
    totals = [row["total"] for row in board["rows"]]
    assert totals == sorted(totals, reverse=True) and board["rows"][0]["rank"] == 1
    assert good["result"]["total"] > bad["result"]["total"]

    body = {"rater": "ann", "scores": [{"criterion": "streaming_is_real", "score": 3},
                                      {"criterion": "payload_sent_once", "score": 4}]}
    r = client.post(f"/api/v1/jobs/{good['id']}/human-scores", json=body)
    assert r.status_code == 201, r.text
    assert {(s["criterion"], s["dimension"], s["score"]) for s in r.json()["scores"]} == {
        ("streaming_is_real", "streaming", 3), ("payload_sent_once", "payload", 4)}
    # The same rater again replaces, never duplicates.
    client.post(f"/api/v1/jobs/{good['id']}/human-scores",
                json={"rater": "ann", "scores": [{"criterion": "streaming_is_real", "score": 2}]})
    over = client.post(f"/api/v1/jobs/{good['id']}/human-scores",
                       json={"rater": "bo", "scores": [{"criterion": "streaming_is_real", "score": 9}]})
    assert over.status_code == 422 and "above its maximum 4" in over.json()["error"]["message"]
    unknown = client.post(f"/api/v1/jobs/{good['id']}/human-scores",
                          json={"rater": "bo", "scores": [{"criterion": "nope", "score": 1}]})
    assert unknown.status_code == 422 and "unknown criterion" in unknown.json()["error"]["message"]

    csv = client.get("/api/v1/calibration/export", params={"rubric": RUBRIC})
    assert csv.status_code == 200 and csv.headers["content-type"].startswith("text/csv")
    lines = csv.text.strip().splitlines()
    assert lines[0] == "item,dimension,score,rater,criterion"
    assert sorted(lines[1:]) == ["good_app,payload,4,ann,payload_sent_once",
                                 "good_app,streaming,2,ann,streaming_is_real"]
    assert client.get("/api/v1/calibration/export", params={"rubric": "x"}).status_code == 422


def test_human_scores_wait_for_a_finished_job(client_factory, good_app_tgz):
    client = client_factory(workers=0)
    job = submit(client, good_app_tgz).json()
    r = client.post(f"/api/v1/jobs/{job['id']}/human-scores",
                    json={"rater": "ann", "scores": [{"criterion": "streaming_is_real", "score": 1}]})
    assert r.status_code == 409


def test_openapi_schema_lists_the_contract(client):
    paths = client.get("/api/v1/openapi.json").json()["paths"]
    for path in ("/api/v1/jobs", "/api/v1/jobs/{job_id}", "/api/v1/jobs/{job_id}/report",
                 "/api/v1/jobs/{job_id}/report.md",
                 "/api/v1/jobs/{job_id}/report.html", "/api/v1/jobs/{job_id}/cancel", "/api/v1/leaderboard",
                 "/api/v1/jobs/{job_id}/human-scores", "/api/v1/calibration/export",
                 "/api/v1/calibration/judge-scores"):
        assert path in paths, path
    assert set(paths["/api/v1/jobs"]["post"]["requestBody"]["content"]) == {"application/json", "multipart/form-data"}


def test_ui_pages_answer_browsers_with_html_errors(client):
    r = client.get("/jobs/nope", headers={"accept": "text/html"})
    assert r.status_code == 404 and r.headers["content-type"].startswith("text/html") and "no job" in r.text
    api = client.get("/api/v1/jobs/nope", headers={"accept": "text/html"})
    assert api.status_code == 404 and api.json()["error"]["status"] == 404
