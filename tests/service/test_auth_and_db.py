"""Tokens, the loopback rule, and the refusal to start on an unmigrated database."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

GRADER = [sys.executable, "-m", "grader.cli"]


def run_cli(args, env_extra, timeout=60):
    env = {**os.environ, **env_extra}
    env.pop("GRADER_DATABASE_URL", None)
    return subprocess.run([*GRADER, *args], capture_output=True, text=True, env=env, timeout=timeout)


def test_server_refuses_an_unmigrated_database_and_names_the_command(tmp_path):
    r = run_cli(["serve", "--port", "0"], {"GRADER_DATA_DIR": str(tmp_path)})
    assert r.returncode == 2 and "run `grader db upgrade`" in r.stderr and "Traceback" not in r.stderr
    up = run_cli(["db", "upgrade"], {"GRADER_DATA_DIR": str(tmp_path)})
    assert up.returncode == 0 and "empty -> " in up.stdout
    again = run_cli(["db", "upgrade"], {"GRADER_DATA_DIR": str(tmp_path)})
    assert "already" in again.stdout


def test_create_app_refuses_unmigrated(tmp_path):
    from grader.service.app import create_app
    from grader.service.config import Settings
    from grader.service.db import NotMigrated

    with pytest.raises(NotMigrated, match="grader db upgrade"):
        create_app(Settings(data_dir=tmp_path), workers=0)


def test_sqlite_runs_in_wal_mode(settings):
    from sqlalchemy import text

    from grader.service.db import Database

    db = Database(settings)
    with db.engine.connect() as conn:
        assert conn.execute(text("PRAGMA journal_mode")).scalar() == "wal"
    db.dispose()


def test_token_create_prints_once_and_stores_only_a_hash(settings):
    from sqlalchemy import select

    from grader.service.db import Database
    from grader.service.models import ApiToken

    env = {"GRADER_DATA_DIR": str(settings.data_dir)}
    r = run_cli(["serve", "token", "create", "ci-bot", "--max-active", "3"], env)
    assert r.returncode == 0, r.stderr
    token = r.stdout.strip()
    assert token.startswith("grd_") and len(token) > 30
    dup = run_cli(["serve", "token", "create", "ci-bot"], env)
    assert dup.returncode == 2 and "exists already" in dup.stderr
    db = Database(settings)
    with db.session() as s:
        row = s.execute(select(ApiToken)).scalar_one()
    db.dispose()
    assert row.token_hash != token and token not in row.token_hash and row.max_active == 3
    listed = run_cli(["serve", "token", "list"], env)
    assert "ci-bot" in listed.stdout and token not in listed.stdout


def test_tokens_required_beyond_loopback(client_factory, settings):
    from grader.service.auth import create_token
    from grader.service.db import Database

    db = Database(settings)
    with db.session() as s:
        token = create_token(s, "ann", max_active=1)
    db.dispose()
    client = client_factory(workers=0, require_auth=True)
    r = client.get("/api/v1/jobs")
    assert r.status_code == 401 and "grader serve token create" in r.json()["error"]["message"]
    assert client.get("/api/v1/jobs", headers={"Authorization": "Bearer nope"}).status_code == 401
    assert client.get("/api/v1/jobs", headers={"Authorization": "Basic abc"}).status_code == 401
    ok = client.get("/api/v1/jobs", headers={"Authorization": f"Bearer {token}"})
    assert ok.status_code == 200
    auth = {"Authorization": f"Bearer {token}"}
    body = {"source": "https://example.org/app.git@0123abc", "rubric": "rails-rubyllm-v2",
            "options": {"runtime": False}}
    first = client.post("/api/v1/jobs", json=body, headers=auth)
    assert first.status_code == 202 and first.json()["owner"] == "token:ann"
    quota = client.post("/api/v1/jobs", json=body, headers={**auth, "Idempotency-Key": "other"})
    assert quota.status_code == 429 and "limit 1" in quota.json()["error"]["message"]


def test_is_loopback():
    from grader.commands.serve import is_loopback

    assert is_loopback("127.0.0.1") and is_loopback("::1") and is_loopback("localhost")
    assert not is_loopback("0.0.0.0") and not is_loopback("192.168.1.4") and not is_loopback("example.org")


def test_grader_check_does_not_import_the_service(tmp_path):
    code = ("import sys; from grader.cli import app; "
            "bad=[m for m in ('fastapi','sqlalchemy','celery','uvicorn') if m in sys.modules]; print(bad)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=Path(__file__).parent)
    assert out.stdout.strip() == "[]", out.stdout + out.stderr
