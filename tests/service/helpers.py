"""Shared helpers of the service tests: fixture repos as archives, a migrated database, polling."""

from __future__ import annotations

import importlib.util
import io
import tarfile
import time
from pathlib import Path

APPS = Path(__file__).resolve().parents[1] / "fixtures" / "apps"


def _fixture_apps():
    spec = importlib.util.spec_from_file_location("fixture_apps_service", APPS / "fixture_apps.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def fixture_archive(name: str, workdir: Path) -> bytes:
    """The fixture app `name` as a .tar.gz (the bytes a client uploads)."""
    repo = _fixture_apps().materialize(name, workdir / "apps")
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w:gz") as tar:
        tar.add(repo, arcname=name)
    return buf.getvalue()


def wait_for(predicate, timeout: float = 120.0, interval: float = 0.2, what: str = "condition"):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(interval)
    raise AssertionError(f"timed out after {timeout}s waiting for {what}")
