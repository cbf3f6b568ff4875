"""Chaos: grading runs killed mid-boot. SIGINT/SIGTERM runs clean up themselves; a SIGKILLed run
leaves objects that `grader runtime clean` removes."""

from __future__ import annotations

import signal
import subprocess
import time
import uuid

import pytest

pytestmark = pytest.mark.docker


def _start_run_until_booting(kit, docker_client, fixtures_dir, base_image):
    run_id = "chaos-" + uuid.uuid4().hex[:8]
    proc = kit.grader_cli("run", str(fixtures_dir / "rack_never_ready"), "--base-image", base_image,
                          "--boot-timeout", "120", "--run-id", run_id, "--no-repo-build",
                          stdout=subprocess.PIPE, stderr=subprocess.PIPE)
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
    # ...until `grader runtime clean`.
    clean = kit.grader_cli("clean", stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    out, err = clean.communicate(timeout=60)
    assert clean.returncode == 0, err
    assert "removed" in out
    assert kit.managed(docker_client) == {"containers": [], "images": [], "volumes": []}


@pytest.mark.parametrize("sig", [signal.SIGINT, signal.SIGTERM])
def test_interrupted_run_cleans_up_after_itself(docker_client, fixtures_dir, base_image, kit, sig):
    proc, run_id = _start_run_until_booting(kit, docker_client, fixtures_dir, base_image)
    proc.send_signal(sig)
    _, err = proc.communicate(timeout=60)
    assert proc.returncode == 130, err
    assert b"interrupted" in err
    kit.assert_nothing_left(docker_client, run_id)
