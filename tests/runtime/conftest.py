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


# The second image .ci/docker-setup.sh builds (Ruby 3.3, Bundler 2.6) for Rails 7.1+/8 apps.
NEW_BASE_IMAGE = os.environ.get("GRADER_BASE_IMAGE_NEW", "grader-base:trixie")


@pytest.fixture
def new_base_image(docker_client) -> str:
    import docker

    try:
        docker_client.images.get(NEW_BASE_IMAGE)
    except docker.errors.ImageNotFound:
        message = f"base image {NEW_BASE_IMAGE} is missing: run `bash .ci/docker-setup.sh`"
        if os.environ.get("CI") == "true":
            pytest.fail(message)
        pytest.skip(message)
    return NEW_BASE_IMAGE


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


RACK_OK = "run ->(_e) { [200, {}, ['ok']] }\n"


def minitest_file(body: str, requires: tuple[str, ...] = ()) -> str:
    """A Minitest file with one test whose body is `body` (Ruby lines, indented by the caller)."""
    head = "".join(f'require "{name}"\n' for name in ("minitest/autorun", *requires))
    return head + "class OneTest < Minitest::Test\n  def test_one\n" + body + "  end\nend\n"


def rack_app(repo: Path, tests: dict[str, str] | None = None, config_ru: str = RACK_OK) -> Path:
    """A plain Rack app (the rack-minitest profile) in `repo`, with these files under test/."""
    (repo / "config.ru").write_text(config_ru)
    for name, text in (tests or {}).items():
        (repo / "test").mkdir(exist_ok=True)
        (repo / "test" / name).write_text(text)
    return repo


def rspec_app(repo: Path, dot_rspec: str, specs: dict[str, str]) -> Path:
    """The rails_chat fixture in `repo` with its Minitest suite swapped for these files under spec/."""
    import shutil

    shutil.copytree(FIXTURES / "rails_chat", repo)
    shutil.rmtree(repo / "test")
    (repo / "spec").mkdir()
    (repo / ".rspec").write_text(dot_rspec)
    for name, text in specs.items():
        (repo / "spec" / name).write_text(text)
    return repo


def run_app(repo: Path, base_image: str, **limits):
    """run_runtime on `repo` without building its own Dockerfile, under these sandbox limits."""
    from grader.runtime import RuntimeOptions, run_runtime
    from grader.runtime.options import Limits

    return run_runtime(repo, RuntimeOptions(base_image=base_image, build_repo_dockerfile=False,
                                            limits=Limits(**limits)))


class DockerKit:
    """Helpers handed to tests as one fixture (test modules here are not a package)."""

    RACK_OK = RACK_OK
    managed = staticmethod(managed)
    assert_nothing_left = staticmethod(assert_nothing_left)
    grader_cli = staticmethod(grader_cli)
    minitest_file = staticmethod(minitest_file)
    rack_app = staticmethod(rack_app)
    rspec_app = staticmethod(rspec_app)
    run_app = staticmethod(run_app)


@pytest.fixture(scope="session")
def kit() -> DockerKit:
    return DockerKit()
