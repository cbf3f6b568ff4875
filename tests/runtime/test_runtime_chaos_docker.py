"""Chaos: grading runs killed mid-boot. SIGINT/SIGTERM runs clean up themselves; a SIGKILLed run
leaves objects that `grader runtime clean` removes."""

from __future__ import annotations

import re
import signal
import subprocess
import time
import uuid

import pytest

pytestmark = pytest.mark.docker


def _start_run_until_booting(kit, docker_client, fixtures_dir, base_image, sigint_ignored=False):
    run_id = "chaos-" + uuid.uuid4().hex[:8]
    proc = kit.grader_cli("run", str(fixtures_dir / "rack_never_ready"), "--base-image", base_image,
                          "--boot-timeout", "120", "--run-id", run_id, "--no-repo-build",
                          stdout=subprocess.PIPE, stderr=subprocess.PIPE, sigint_ignored=sigint_ignored)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        running = docker_client.containers.list(filters={"label": [f"grader.run_id={run_id}", "grader.step=boot"]})
        if running:
            return proc, run_id
        if proc.poll() is not None:
            pytest.fail(f"grading run ended before boot: {proc.communicate()}")
        time.sleep(0.2)
    proc.kill()
    pytest.fail("the app container never started")


def test_sigkill_mid_boot_then_clean_leaves_nothing(docker_client, fixtures_dir, base_image, kit):
    proc, run_id = _start_run_until_booting(kit, docker_client, fixtures_dir, base_image)
    proc.send_signal(signal.SIGKILL)
    proc.wait(timeout=10)
    # A killed process cleans nothing: its container and image are still there...
    left = kit.managed(docker_client, run_id)
    assert left["containers"] and left["images"]
    # ...until `grader runtime clean`, which removes what dead runs left (runs still in progress,
    # e.g. another grading on the same engine, are spared unless --all).
    clean = kit.grader_cli("clean", stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    out, err = clean.communicate(timeout=60)
    assert clean.returncode == 0, err
    assert "removed" in out
    kit.assert_nothing_left(docker_client, run_id)
    from grader.runtime.engine import owner_alive

    # Only containers of live processes may remain (a bundle build's step containers carry its owner too).
    orphans = [c for c in kit.managed(docker_client)["containers"] if not owner_alive(c.labels)]
    assert orphans == []


def test_clean_spares_live_runs_unless_all(docker_client, base_image, kit):
    from grader.runtime import engine
    from grader.runtime.options import Limits

    # Created by this (live) test process, like a grading run in progress. Scoped to its run id so
    # the test never removes other live runs sharing the engine.
    run_id = "live-" + uuid.uuid4().hex[:6]
    live = engine.create_container(docker_client, base_image, ["sleep", "30"], run_id=run_id, step="boot", env={},
                                   limits=Limits())
    try:
        assert engine.owner_alive(live.labels)
        removed, kept = engine.remove_labelled(
            docker_client, f"grader.run_id={run_id}",
            keep=lambda entry: engine.KeptBecause.live if engine.owner_alive(entry.get("Labels")) else None)
        assert kept == [engine.Kept("container", live.short_id, engine.KeptBecause.live)] and removed == []
        assert str(kept[0]) == f"container {live.short_id} (run in progress)"
        live.reload()  # still there
        removed, kept = engine.remove_labelled(docker_client, f"grader.run_id={run_id}")
        assert removed == [f"container {live.short_id}"] and kept == []
        assert not engine.owner_alive({"grader.owner": "some-other-host:1"})
        assert not engine.owner_alive({})
    finally:
        engine.remove_quietly(live)


def test_clean_removes_a_dead_runs_image_built_on_the_bundle_cache(docker_client, base_image):
    """A run's test image is built FROM the shared bundle image and inherits its cache label; after
    a SIGKILL only `clean` can remove it, and it must, while the cache image itself stays."""
    import io
    import socket

    from grader.runtime import engine
    from grader.runtime.cli import kept_line

    tag = "grader-test-cache:" + uuid.uuid4().hex[:8]
    cache, _ = docker_client.images.build(fileobj=io.BytesIO(
        f'FROM {base_image}\nLABEL grader.managed="true" grader.cache="bundle" grader.cache_key="{tag}"\n'.encode()),
        tag=tag, rm=True)
    run_id = "deadcache-" + uuid.uuid4().hex[:6]
    child = None
    try:
        proc = subprocess.Popen(["true"])
        proc.wait()
        child, _ = docker_client.images.build(
            fileobj=io.BytesIO(f"FROM {tag}\nENV GRADER_TEST_RUN={run_id}\n".encode()), rm=True,
            labels={"grader.managed": "true", "grader.run_id": run_id, "grader.step": "test_image",
                    "grader.owner": f"{socket.gethostname()}:{proc.pid}"})
        assert child.labels.get("grader.cache") == "bundle"  # inherited: what used to spare it
        removed, kept = engine.clean_all(docker_client)
        assert f"image {child.short_id.split(':')[-1]}" in removed
        assert engine.Kept("image", cache.short_id.split(":")[-1], engine.KeptBecause.gem_cache) in kept
        # `clean` counts it as a cache (other gem caches of this engine may be counted beside it).
        assert re.search(r"\bkept \d+ gem caches? \(\d+ layers?\) that later runs reuse", kept_line(kept))
        docker_client.images.get(cache.id)  # the cache survives a clean
    finally:
        for image in (child, cache):
            if image is not None:
                try:
                    docker_client.images.remove(image.id, force=True)
                except Exception:  # noqa: BLE001 - already removed by the clean under test
                    pass


@pytest.mark.parametrize(("sig", "sigint_ignored"), [(signal.SIGINT, False), (signal.SIGTERM, False),
                                                     (signal.SIGINT, True)], ids=["int", "term", "int-from-bg-job"])
def test_interrupted_run_cleans_up_after_itself(docker_client, fixtures_dir, base_image, kit, sig, sigint_ignored):
    # int-from-bg-job: a process started with SIGINT ignored (`cmd &` in a script, CI) used to go
    # on booting, testing and gating after `kill -INT`: the stage installs its own handler now.
    proc, run_id = _start_run_until_booting(kit, docker_client, fixtures_dir, base_image, sigint_ignored)
    proc.send_signal(sig)
    _, err = proc.communicate(timeout=60)
    assert proc.returncode == 130, err
    assert b"interrupted" in err
    kit.assert_nothing_left(docker_client, run_id)


def test_cancel_all_runs_stops_threaded_runs_fast(docker_client, fixtures_dir, base_image, kit):
    """What a caller grading with --jobs N does on Ctrl-C: every run in the process stops now."""
    import threading

    from grader.runtime import RuntimeOptions, StepStatus, Timeouts, run_runtime
    from grader.runtime.stage import cancel_all_runs

    run_ids = ["cancel-" + uuid.uuid4().hex[:8] for _ in range(2)]
    reports = {}

    def grade(run_id):
        options = RuntimeOptions(base_image=base_image, run_id=run_id, build_repo_dockerfile=False,
                                 timeouts=Timeouts(boot=120))
        reports[run_id] = run_runtime(fixtures_dir / "rack_never_ready", options)

    threads = [threading.Thread(target=grade, args=(r,)) for r in run_ids]
    for t in threads:
        t.start()
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        # The low-level listing (one call, plain dicts): the high-level one inspects each container
        # after listing it, and a boot container of another run can be gone by then (NotFound).
        booting = docker_client.api.containers(filters={"label": "grader.step=boot"})
        if {(c.get("Labels") or {}).get("grader.run_id") for c in booting} >= set(run_ids):
            break
        time.sleep(0.2)
    started = time.monotonic()
    assert set(cancel_all_runs()) >= set(run_ids)
    for t in threads:
        t.join(timeout=30)
    assert time.monotonic() - started < 20
    for run_id in run_ids:
        report = reports[run_id]
        assert report.status is StepStatus.failed and "cancelled" in report.skipped_reason
        assert report.boot.status is StepStatus.skipped and report.boot.reason == "run cancelled"
        assert report.tests.status is StepStatus.skipped
        assert report.gates.rubocop.status is StepStatus.skipped and report.gates.rubocop.reason == "run cancelled"
        kit.assert_nothing_left(docker_client, run_id)


@pytest.mark.parametrize("sigint_ignored", [False, True], ids=["fg", "from-bg-job"])
def test_sigint_while_tests_and_gates_run_side_by_side(docker_client, base_image, tmp_path, kit, sigint_ignored):
    (tmp_path / "test").mkdir()
    (tmp_path / "config.ru").write_text("run ->(_e) { [200, {}, ['ok']] }\n")
    (tmp_path / "test" / "slow_test.rb").write_text(
        'require "minitest/autorun"\nclass SlowTest < Minitest::Test\n  def test_slow\n    sleep 120\n  end\nend\n')
    run_id = "chaos-par-" + uuid.uuid4().hex[:6]
    proc = kit.grader_cli("run", str(tmp_path), "--base-image", base_image, "--run-id", run_id,
                          stdout=subprocess.PIPE, stderr=subprocess.PIPE, sigint_ignored=sigint_ignored)
    deadline = time.monotonic() + 60
    while not docker_client.containers.list(filters={"label": [f"grader.run_id={run_id}", "grader.step=tests"]}):
        assert time.monotonic() < deadline and proc.poll() is None, "tests never started"
        time.sleep(0.2)
    proc.send_signal(signal.SIGINT)
    _, err = proc.communicate(timeout=60)
    assert proc.returncode == 130, err
    kit.assert_nothing_left(docker_client, run_id)


def test_cleanups_racing_each_other_never_raise(docker_client, base_image, kit):
    """cancel_all_runs and a run's own cleanup remove the same objects at once (Ctrl-C in
    grade-many): whichever comes second must find them gone quietly, not raise ImageNotFound."""
    import io
    import threading

    from grader.runtime import engine
    from grader.runtime.options import Limits

    run_id = "race-" + uuid.uuid4().hex[:8]
    for i in range(3):
        dockerfile = f'FROM {base_image}\nLABEL grader.managed="true" grader.run_id="{run_id}" n="{i}"\n'
        docker_client.images.build(fileobj=io.BytesIO(dockerfile.encode()), tag=f"grader-run-{run_id}:i{i}",
                                   rm=True, network_mode="none")
        for _ in range(4):
            engine.create_container(docker_client, f"grader-run-{run_id}:i{i}", ["sleep", "30"], run_id=run_id,
                                    step="boot", env={}, limits=Limits())
    errors: list[BaseException] = []

    def clean():
        try:
            engine.cleanup_run(docker_client, run_id)
        except BaseException as exc:  # noqa: BLE001 - the assertion below reports it
            errors.append(exc)

    threads = [threading.Thread(target=clean) for _ in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert errors == []
    kit.assert_nothing_left(docker_client, run_id)
