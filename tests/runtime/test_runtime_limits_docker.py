"""Limits the build API lacks (issue 11, item 3): pids and CPU during image builds, and a disk
quota on build steps and run containers, on this engine (overlay2 on ext4, cgroupfs)."""

from __future__ import annotations

import pytest

from grader.runtime import RuntimeOptions, StepStatus, run_runtime
from grader.runtime.options import Limits

pytestmark = pytest.mark.docker


def _build_only(repo, base_image, **limits):
    return run_runtime(repo, RuntimeOptions(base_image=base_image, limits=Limits(**limits), budget=300))


def test_build_steps_run_under_our_cpu_quota_and_pids_limit(docker_client, base_image, tmp_path, kit):
    (tmp_path / "Dockerfile").write_text(
        f"FROM {base_image}\n"
        "RUN echo cfs_quota=$(cat /sys/fs/cgroup/cpu/cpu.cfs_quota_us 2>/dev/null || cat /sys/fs/cgroup/cpu.max)\n"
        # 400 background processes against a limit of 64: forks fail and the step fails.
        "RUN i=0; while [ $i -lt 400 ]; do sleep 30 & i=$((i+1)); done; wait\n")
    report = _build_only(tmp_path, base_image, pids=64, cpus=0.5)
    build = report.build
    assert "cfs_quota=50000" in build.log_tail  # cpus 0.5 -> 50 ms per 100 ms period
    assert build.status is StepStatus.failed, build.log_tail
    assert "fork" in build.log_tail.lower()
    assert build.limits and "pids 64" in build.limits
    kit.assert_nothing_left(docker_client, report.run_id)


def test_build_step_writing_past_the_disk_quota_is_stopped(docker_client, base_image, tmp_path, kit):
    (tmp_path / "Dockerfile").write_text(
        f"FROM {base_image}\nRUN dd if=/dev/zero of=/filler bs=1M count=400 2>&1; sleep 60\n")
    report = _build_only(tmp_path, base_image, disk="100m")
    build = report.build
    assert build.status is StepStatus.failed
    assert "quota 100 MB" in (build.reason or ""), (build.reason, build.log_tail)
    assert build.duration_seconds < 55  # killed, not waited out
    kit.assert_nothing_left(docker_client, report.run_id)


def _suite_under_quota(kit, repo, base_image, body: str):
    """A Rack app whose one test runs `body` then sleeps 60 s, run under a 100 MB disk quota."""
    kit.rack_app(repo, {"fill_test.rb": kit.minitest_file(body + "    sleep 60\n")})
    return kit.run_app(repo, base_image, disk="100m")


def test_test_suite_writing_past_the_disk_quota_is_killed(docker_client, base_image, tmp_path, kit):
    report = _suite_under_quota(kit, tmp_path, base_image,
                                '    File.open("/tmp/filler", "wb") { |f| 400.times { f.write("\\0" * 1_048_576) } }\n')
    tests = report.tests
    assert tests.status is StepStatus.failed
    assert "quota 100m" in (tests.reason or ""), tests.reason
    assert tests.duration_seconds < 55
    kit.assert_nothing_left(docker_client, report.run_id)


def test_an_app_filling_the_disk_while_it_boots_is_killed(docker_client, base_image, tmp_path, kit):
    """The boot container is watched too: many files (no single one near the file size limit) add up
    past the quota before the app ever answers."""
    kit.rack_app(tmp_path, config_ru='400.times { |i| File.binwrite("/tmp/fill#{i}", "\\0" * 1_048_576); '
                                     'sleep 0.02 }\nsleep 120\n' + kit.RACK_OK)
    report = kit.run_app(tmp_path, base_image, disk="100m")
    boot = report.boot
    assert boot.status is StepStatus.failed, (boot.status, boot.reason)
    assert boot.reason.startswith("app wrote ") and boot.reason.endswith("MB to its filesystem (quota 100m); killed")
    assert int(boot.reason.split()[2]) >= 100
    assert boot.duration_seconds < 100  # killed, not waited out (the app sleeps 120 s after writing)
    kit.assert_nothing_left(docker_client, report.run_id)


def test_one_file_stops_exactly_at_the_quota_and_many_files_are_killed(docker_client, base_image, tmp_path, kit):
    # The files are paced (about 50 MB/s): the watcher looks every 0.5 s, so on a fast disk an
    # unpaced writer finishes all 300 MB between two looks (seen on CI); the kernel's per-file
    # limit is what bounds a single fast write (test below).
    report = _suite_under_quota(kit, tmp_path, base_image,
                                '    300.times { |i| File.binwrite("/tmp/f#{i}", "\\0" * 1_048_576); sleep 0.02 }\n')
    tests = report.tests
    assert tests.status is StepStatus.failed
    assert tests.reason.startswith("test suite wrote ") and "(quota 100m); killed" in tests.reason, tests.reason
    assert int(tests.reason.split()[3]) >= 100
    assert tests.duration_seconds < 55  # killed, not waited out (the suite sleeps 60 s after writing)
    kit.assert_nothing_left(docker_client, report.run_id)


def test_the_file_size_limit_holds_in_run_containers(docker_client, base_image):
    """The kernel's limit, not the watcher: one file can never grow past the quota."""
    from grader.runtime.engine import create_container, remove_quietly

    command = ["sh", "-c", "dd if=/dev/zero of=/tmp/big bs=1M count=50 2>/dev/null; stat -c %s /tmp/big"]
    container = create_container(docker_client, base_image, command, run_id="fsize-check", step="fsize", env={},
                                 limits=Limits(disk="8m"))
    try:
        container.start()
        assert container.wait(timeout=60)["StatusCode"] == 0
        assert container.logs().decode().strip().splitlines()[-1] == str(8 * 2**20)
    finally:
        remove_quietly(container)
