from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

pytest.importorskip("fastapi")
sys.path.insert(0, str(Path(__file__).resolve().parent))

from helpers import fixture_archive  # noqa: E402


@pytest.fixture(scope="session")
def good_app_tgz(tmp_path_factory) -> bytes:
    return fixture_archive("good_app", tmp_path_factory.mktemp("fixture"))


@pytest.fixture
def settings(tmp_path, monkeypatch):
    from grader.service.config import Settings
    from grader.service.db import upgrade

    for var in ("GRADER_DATABASE_URL", "GRADER_BROKER_URL", "GRADER_REQUIRE_AUTH"):
        monkeypatch.delenv(var, raising=False)
    monkeypatch.setenv("GRADER_DATA_DIR", str(tmp_path / "data"))
    s = Settings(data_dir=tmp_path / "data", lease_seconds=10, heartbeat_seconds=0.5)
    upgrade(s.db_url)
    return s


@pytest.fixture
def client_factory(settings):
    from fastapi.testclient import TestClient

    from grader.service.app import create_app

    made = []

    def make(workers: int = 1, **overrides):
        for key, value in overrides.items():
            setattr(settings, key, value)
        client = TestClient(create_app(settings, workers=workers), raise_server_exceptions=False)
        client.__enter__()
        made.append(client)
        return client

    yield make
    for client in made:
        try:
            client.__exit__(None, None, None)
        except RuntimeError:  # a test closed it already
            pass


@pytest.fixture
def client(client_factory):
    return client_factory(workers=1)


os.environ.setdefault("LITELLM_LOCAL_MODEL_COST_MAP", "True")
