"""Gem cache builds and `grader runtime clean` on a real engine: a bundle build carries its owner on every
layer, so `clean` removes the layers of a killed build, keeps those of a build in progress, and keeps a
finished cache with the layers it consists of."""

from __future__ import annotations

import re
import signal
import subprocess
import sys
import time
import uuid

import pytest

pytestmark = pytest.mark.docker

# The product's own bundle build (builds.ensure_bundle_image) in a child process we can kill.
_BUILD_BUNDLE = """
import sys
from pathlib import Path
from grader.runtime import RuntimeOptions, engine
from grader.runtime.builds import ensure_bundle_image

class Budget:
    is_cancelled = False

tag, outcome = ensure_bundle_image(engine.connect(), engine, Path(sys.argv[1]), sys.argv[2],
                                   RuntimeOptions(base_image=sys.argv[2]), "bundle-leftovers", 300, Budget())
print(tag, outcome.ok if outcome else None, outcome.error if outcome else None)
"""
_EMPTY_LOCK = "GEM\n  remote: https://rubygems.org/\n  specs:\n\nPLATFORMS\n  ruby\n\nDEPENDENCIES\n"


def _bundle_repo(path, gemfile_tail: str = ""):
    """A repo whose Gemfile needs no gem; a unique comment gives it a cache key of its own."""
    path.mkdir()
    (path / "Gemfile").write_text(f'source "https://rubygems.org"\n# {uuid.uuid4().hex}\n{gemfile_tail}')
    (path / "Gemfile.lock").write_text(_EMPTY_LOCK)
    return path


def _key(docker_client, repo, base_image) -> str:
    from grader.runtime.builds import bundle_cache_key

    return bundle_cache_key(repo, docker_client.images.get(base_image).id, mirror=False)[0]


def _start_build(repo, base_image) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-c", _BUILD_BUNDLE, str(repo), base_image],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def _of_key(docker_client, key: str) -> dict[str, set[str]]:
    """Short ids of this bundle build's images (intermediate layers included) and containers; a run's
    images built on it inherit its labels and are left out by their run id."""
    label = {"label": f"grader.cache_key={key}"}
    images = docker_client.api.images(all=True, filters=label)
    return {"images": {i["Id"].split(":")[-1][:12] for i in images if "grader.run_id" not in (i["Labels"] or {})},
            "containers": {c["Id"][:12] for c in docker_client.api.containers(all=True, filters=label)}}


def _verdicts(kept, names: set[str]) -> dict[str, object]:
    return {entry.name: entry.why for entry in kept if entry.name in names}


def _wait_for(condition, what: str, seconds: float = 90):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        found = condition()
        if found:
            return found
        time.sleep(0.3)
    pytest.fail(f"timed out waiting for {what}")


def _remove_key(docker_client, key: str) -> None:
    from grader.runtime import engine

    engine.remove_labelled(docker_client, f"grader.cache_key={key}")


def _start_hanging_build(docker_client, base_image, tmp_path) -> tuple[subprocess.Popen, str, dict[str, set[str]]]:
    """A bundle build stopped in `RUN bundle install` (Bundler evaluates the Gemfile first, which sleeps),
    with its first four layers made: (its process, cache key, its images and containers)."""
    repo = _bundle_repo(tmp_path / "app", "sleep 600\n")
    key = _key(docker_client, repo, base_image)
    proc = _start_build(repo, base_image)
    _wait_for(lambda: [c for c in docker_client.api.containers(filters={"label": f"grader.cache_key={key}"})
                       if "bundle install" in c.get("Command", "")], "the bundle install step to start")
    made = _of_key(docker_client, key)
    assert len(made["images"]) == 4  # LABEL, ENV, WORKDIR, COPY
    return proc, key, made


def _stop(proc: subprocess.Popen) -> None:
    if proc.poll() is None:
        proc.kill()
    proc.wait(timeout=10)


def test_clean_keeps_a_live_bundle_builds_layers(docker_client, base_image, tmp_path):
    from grader.runtime import engine

    proc, key, live = _start_hanging_build(docker_client, base_image, tmp_path)
    try:
        removed, kept = engine.clean_all(docker_client)
        assert _verdicts(kept, live["images"] | live["containers"]) == dict.fromkeys(
            live["images"] | live["containers"], engine.KeptBecause.live)
        assert _of_key(docker_client, key) == live and proc.poll() is None
    finally:
        _stop(proc)
        _remove_key(docker_client, key)


def test_clean_removes_a_killed_bundle_builds_layers(docker_client, base_image, tmp_path):
    from grader.runtime import engine

    proc, key, left = _start_hanging_build(docker_client, base_image, tmp_path)
    try:
        proc.send_signal(signal.SIGKILL)  # no cleanup of its own: only `clean` can remove its layers
        proc.wait(timeout=10)
        removed, kept = engine.clean_all(docker_client)
        assert _of_key(docker_client, key) == {"images": set(), "containers": set()}
        assert {f"image {name}" for name in left["images"]} <= set(removed)
        assert not _verdicts(kept, left["images"])
    finally:
        _stop(proc)
        _remove_key(docker_client, key)


def test_clean_keeps_a_finished_gem_cache_and_its_layers_after_its_builder_is_gone(docker_client, base_image,
                                                                                   tmp_path):
    from grader.runtime import engine
    from grader.runtime.cli import kept_line

    repo = _bundle_repo(tmp_path / "app")
    key = _key(docker_client, repo, base_image)
    proc = _start_build(repo, base_image)
    try:
        out, err = proc.communicate(timeout=300)
        assert out.split()[:2] == [f"grader-bundle:{key}", "True"], (out, err)
        cache = docker_client.images.get(f"grader-bundle:{key}")
        layers = _of_key(docker_client, key)["images"]
        top = cache.id.split(":")[-1][:12]
        assert top in layers and len(layers) == 6  # LABEL, ENV, WORKDIR, COPY, RUN, WORKDIR
        assert not engine.owner_alive(cache.labels) and cache.labels["grader.owner"].endswith(f":{proc.pid}")
        removed, kept = engine.clean_all(docker_client)
        assert _verdicts(kept, layers) == {name: engine.KeptBecause.gem_cache if name == top
                                           else engine.KeptBecause.cache_layer for name in layers}
        assert _of_key(docker_client, key)["images"] == layers
        assert re.search(r"^kept \d+ gem caches? \(\d+ layers\) that later runs reuse", kept_line(kept))
    finally:
        if proc.poll() is None:
            proc.kill()
        _remove_key(docker_client, key)


def test_clean_removes_an_ended_builds_image_though_its_process_lives_on(docker_client, base_image, tmp_path):
    """A long-lived process (a service worker; here the test process) built a gem cache, another build
    took the tag, and the image could not be dropped (a third run was building on it then). Its build
    has ended, so `clean` removes it: liveness follows the build (its marker volume), not the process."""
    from grader.runtime import RuntimeOptions, engine
    from grader.runtime.builds import ensure_bundle_image

    class Budget:
        is_cancelled = False

    repo = _bundle_repo(tmp_path / "app")
    key = _key(docker_client, repo, base_image)
    try:
        tag, outcome = ensure_bundle_image(docker_client, engine, repo, base_image,
                                           RuntimeOptions(base_image=base_image), "ended-build", 300, Budget())
        assert tag == f"grader-bundle:{key}" and outcome.ok, outcome.error
        built = docker_client.images.get(tag)
        assert engine.owner_alive(built.labels) and built.labels.get("grader.build")
        assert not (docker_client.api.volumes(filters={"label": f"grader.build={built.labels['grader.build']}"})
                    or {}).get("Volumes")  # the marker went with the build
        layers = _of_key(docker_client, key)["images"]
        docker_client.api.tag(base_image, "grader-bundle", key, force=True)  # another build took the tag
        removed, kept = engine.clean_all(docker_client)
        assert _of_key(docker_client, key)["images"] == set() and not _verdicts(kept, layers)
        assert {f"image {name}" for name in layers} <= set(removed)
    finally:
        try:
            docker_client.api.remove_image(f"grader-bundle:{key}")  # only untags the base image
        except Exception:  # noqa: BLE001 - the build may have failed before
            pass
        _remove_key(docker_client, key)


@pytest.mark.parametrize("moved", ["before-its-test-image", "after-its-test-image"])
def test_a_run_removes_the_bundle_image_it_built_once_another_build_took_its_tag(docker_client, base_image,
                                                                                   tmp_path, kit, monkeypatch, moved):
    """Two runs that build the same gem cache at once both tag it: the later tag wins, and the image that
    lost it would stay unused while its (long-lived, e.g. service worker) process lives. The run that
    built it removes it at its end: itself when the tag moved before its test image was built FROM the
    tag (so on the winner), or by pruning under its own test image when the tag moved after."""
    from grader.runtime import RuntimeOptions, builds, run_runtime

    repo = kit.rack_app(_bundle_repo(tmp_path / "app"))
    key = _key(docker_client, repo, base_image)
    built: dict[str, set[str]] = {}

    def another_build_takes_the_tag() -> None:
        built.update(_of_key(docker_client, key))
        docker_client.api.tag(base_image, "grader-bundle", key, force=True)  # stands in for the winner's image

    def bundle_then_tag_moves(*args, **kwargs):
        result = ensure_bundle_image(*args, **kwargs)
        another_build_takes_the_tag()
        return result

    def tag_moves_at_boot(event) -> None:
        if event.step == "boot" and event.state == "started" and not built:
            another_build_takes_the_tag()

    ensure_bundle_image = builds.ensure_bundle_image
    if moved == "before-its-test-image":
        monkeypatch.setattr(builds, "ensure_bundle_image", bundle_then_tag_moves)
    try:
        report = run_runtime(repo, RuntimeOptions(base_image=base_image, build_repo_dockerfile=False),
                             progress=tag_moves_at_boot if moved == "after-its-test-image" else None)
        assert report.test_image.status.value == "ok" and report.test_image.cached is False
        assert len(built["images"]) == 6  # this run's bundle build: LABEL ... WORKDIR
        assert {f"image {name}" for name in built["images"]} <= set(report.cleanup), report.cleanup
        assert _of_key(docker_client, key)["images"] == set()
        kit.assert_nothing_left(docker_client, report.run_id)
    finally:
        try:
            docker_client.api.remove_image(f"grader-bundle:{key}")  # only untags the base image
        except Exception:  # noqa: BLE001 - the run may have failed before the tag moved
            pass
        _remove_key(docker_client, key)


def test_a_run_keeps_the_bundle_image_it_built_while_it_holds_the_tag(docker_client, base_image, tmp_path, kit):
    from grader.runtime import RuntimeOptions, run_runtime

    repo = kit.rack_app(_bundle_repo(tmp_path / "app"))
    key = _key(docker_client, repo, base_image)
    try:
        report = run_runtime(repo, RuntimeOptions(base_image=base_image, build_repo_dockerfile=False))
        assert report.test_image.status.value == "ok" and report.test_image.cached is False
        assert len(_of_key(docker_client, key)["images"]) == 6
        assert not [entry for entry in report.cleanup if "grader-bundle" in entry]
        docker_client.images.get(f"grader-bundle:{key}")
    finally:
        _remove_key(docker_client, key)
