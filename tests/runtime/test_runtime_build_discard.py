"""What a failed build leaves is removed after at most one wait (engine.build_image, without a daemon: the
engine's answers are scripted). A build cut off at its deadline waits once for the engine to finish
cancelling its step; one that failed on its own, or whose layers the engine refuses, waits for nothing."""

from __future__ import annotations

import pytest
from docker.errors import APIError

from grader.runtime import engine, sandbox_limits
from grader.runtime.options import Limits

LOG = ("Step 1/4 : FROM base\n ---> 570571171dcd\nStep 2/4 : LABEL a=b\n ---> aaaaaaaaaaa1\n"
       "Step 3/4 : RUN cached\n ---> Using cache\n ---> cccccccccccc\n"
       "Step 4/4 : RUN x\n ---> Running in 0f0f0f0f0f0f\n")


class Image:
    def __init__(self, image_id: str):
        self.id, self.tags = f"sha256:{image_id}", []


class Engine:
    """The few calls build_image makes after its stream, answered from a script."""

    def __init__(self, lingering_polls: int = 0, refused: tuple[str, ...] = ()):
        self.lingering_polls, self.refused = lingering_polls, set(refused)
        self.removed: list[str] = []
        self.api, self.images = self, self
        self.api_version = "1.41"

    def info(self):
        return {}

    def containers(self, all=False, filters=None):  # the step container the engine is still cancelling
        if self.lingering_polls > 0 and "label" in (filters or {}):
            self.lingering_polls -= 1
            return [{"Id": "0f0f0f0f0f0f", "ImageID": "sha256:cccccccccccc"}]
        return []

    def get(self, ref: str) -> Image:
        return Image(ref)

    def remove(self, image_id: str, force=False, noprune=False) -> None:
        if self.lingering_polls > 0 or image_id.split(":")[-1] in self.refused:
            raise APIError("conflict: image is being used by another image")
        self.removed.append(image_id.split(":")[-1])


@pytest.fixture
def build(monkeypatch):
    sleeps: list[float] = []
    clock = [1000.0]  # a clock the sleeps advance: the wait's polls take no real time

    def sleep(seconds: float) -> None:
        sleeps.append(seconds)
        clock[0] += seconds

    monkeypatch.setattr(engine.time, "sleep", sleep)
    monkeypatch.setattr(engine.time, "monotonic", lambda: clock[0])
    monkeypatch.setattr(engine.docker, "APIClient", lambda **kwargs: object())
    monkeypatch.setattr(sandbox_limits, "BuildDiskWatch", _NoWatch)

    def run(client: Engine, outcome: engine.BuildOutcome) -> list[float]:
        monkeypatch.setattr(engine, "_stream_build", lambda *args: outcome)
        monkeypatch.setattr(engine, "_add_build_params", lambda *args: None)
        result = engine.build_image(client, tag="t", run_id="r", step="test_image", timeout=5, network=False,
                                    limits=Limits(), fileobj=object())
        assert not result.ok
        return sleeps

    return run


class _NoWatch:
    exceeded = None

    def __init__(self, *args):
        pass

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return None


def test_a_failed_build_whose_cached_layer_is_refused_removes_the_rest_without_waiting(build):
    client = Engine(refused=("cccccccccccc",))  # a cached layer other images are built on
    sleeps = build(client, engine.BuildOutcome(False, False, LOG, "RUN x failed"))
    assert client.removed == ["aaaaaaaaaaa1"] and sleeps == []  # was: nine retries of 0.5 s for that layer


def test_a_cut_off_build_waits_once_for_its_step_to_go_then_removes_its_layers(build):
    client = Engine(lingering_polls=3)
    sleeps = build(client, engine.BuildOutcome(False, True, LOG, "build exceeded 5s"))
    assert client.removed == ["cccccccccccc", "aaaaaaaaaaa1"]
    # Only the one wait's polls: busy for three, then quiet for a second; no removal retries after it.
    assert set(sleeps) == {0.2} and 3 + 4 <= len(sleeps) <= 3 + 6
