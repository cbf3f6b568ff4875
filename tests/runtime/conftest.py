"""Docker fixtures for the runtime-stage tests: a real engine and the local base image.

Tests marked `docker` skip, saying the exact command to run, when no daemon answers or when the
daemon has no base image yet (`bash .ci/docker-setup.sh` prepares both). In CI (CI=true) a missing
image is a failure instead: there the set-up command has just run and must have built it.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest

FIXTURES = Path(__file__).parents[1] / "fixtures" / "runtime"
BASE_IMAGE = os.environ.get("GRADER_BASE_IMAGE", "grader-base:bookworm")
ROOT = Path(__file__).parents[2]


@pytest.fixture(scope="session")
def docker_client():
    import docker
    import requests

    try:
        client = docker.from_env(version="auto", timeout=30)
        client.ping()
    except (docker.errors.DockerException, requests.RequestException) as exc:
        pytest.skip(f"no Docker daemon reachable ({type(exc).__name__}); start one with `bash .ci/docker-setup.sh`")
    try:
        client.images.get(BASE_IMAGE)
    except docker.errors.ImageNotFound:
        message = f"Docker runs but base image {BASE_IMAGE} is missing: run `bash .ci/docker-setup.sh`"
        if os.environ.get("CI") == "true":
            pytest.fail(message)
        pytest.skip(message)
    yield client
    client.close()


@pytest.fixture
def base_image(docker_client) -> str:
    return BASE_IMAGE


@pytest.fixture(scope="session")
def fixtures_dir() -> Path:
    return FIXTURES


@pytest.fixture(scope="session")
def repo_root() -> Path:
    return ROOT


def managed(client, run_id: str | None = None) -> dict[str, list]:
    """Objects carrying our labels (all runs, or one run). Listed with the low-level calls, then
    fetched one by one: an object of another run that is removed in between is simply not there
    (the high-level listings inspect each object and raise NotFound for it)."""
    label = f"grader.run_id={run_id}" if run_id else "grader.managed=true"
    return {
        "containers": _present(client.containers.get,
                               [c["Id"] for c in client.api.containers(all=True, filters={"label": label})]),
        "images": _present(client.images.get, [i["Id"] for i in client.api.images(filters={"label": label})]),
        "volumes": client.volumes.list(filters={"label": label}),
    }


def _present(get, ids: list[str]) -> list:
    import docker

    found = []
    for object_id in ids:
        try:
            found.append(get(object_id))
        except docker.errors.NotFound:
            pass
    return found


def assert_nothing_left(client, run_id: str) -> None:
    left = managed(client, run_id)
    assert left == {"containers": [], "images": [], "volumes": []}, left


def grader_cli(*args: str, sigint_ignored: bool = False, **kwargs) -> subprocess.Popen:
    """`grader runtime ...` in a child process (so it can be killed like a user would).
    sigint_ignored: start it as a background job of a non-interactive shell would be (SIGINT
    ignored), which is how CI and `cmd &` start it."""
    if sigint_ignored:
        kwargs["preexec_fn"] = lambda: signal.signal(signal.SIGINT, signal.SIG_IGN)
    return subprocess.Popen([sys.executable, "-m", "grader.runtime", *args], cwd=ROOT, **kwargs)


class DockerKit:
    """Helpers handed to tests as one fixture (test modules here are not a package)."""

    managed = staticmethod(managed)
    assert_nothing_left = staticmethod(assert_nothing_left)
    grader_cli = staticmethod(grader_cli)


@pytest.fixture(scope="session")
def kit() -> DockerKit:
    return DockerKit()
