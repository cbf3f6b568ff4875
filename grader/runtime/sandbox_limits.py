"""Limits the docker build API has no knob for: pids during image builds, and disk written by build
steps and run containers.

- pids: the classic builder takes a cgroup parent. We create one of our own with `pids.max` set
  (cgroupfs driver, cgroup v1 or v2, when the grader may write /sys/fs/cgroup), so every RUN step
  of the build sits under it. Elsewhere (systemd driver, no write access) the limit is reported
  as not enforced.
- disk: overlay2 on ext4 (this machine) refuses `--storage-opt size` ("supported only for overlay
  over xfs with 'pquota' mount option"). Two bounds instead, on every build step and on every run,
  boot, test and gate container:
  1. the kernel's file size limit (RLIMIT_FSIZE = the quota, `ulimits` on create and on /build):
     no single file can pass the quota, however fast it is written (the writer gets SIGXFSZ/EFBIG);
  2. a watcher per container (per build: every step container under our cgroup parent) reading
     the writable-layer size (`SizeRw`) every DISK_POLL_SECONDS and killing it at the quota: many
     files together are stopped within one poll (plus the engine's time to measure), so the
     overshoot is what they write in that time. `bench/disk_quota.py` prints the figures.
"""

from __future__ import annotations

import contextlib
import os
import threading
from pathlib import Path

CGROUP_ROOT = Path("/sys/fs/cgroup")
DISK_POLL_SECONDS = 0.5
SIGXFSZ_EXIT = 128 + 25  # a process killed by the file size limit, as init reports it


def fsize_ulimit(quota: int) -> dict[str, object]:
    """The engine's ulimit entry capping every file a container writes at `quota` bytes."""
    return {"Name": "fsize", "Soft": quota, "Hard": quota}


class BuildCgroup:
    """A pids-limited cgroup to pass as the build's `cgroupparent` (None when we cannot make one)."""

    def __init__(self, client, run_id: str, pids: int) -> None:
        self.name = f"grader-build-{run_id}"
        self.parent: str | None = None
        self.note = ""
        self._dirs: list[Path] = []
        try:
            info = client.info()
        except Exception:  # noqa: BLE001 - no info, no cgroup: the build still runs, the report says so
            info = {}
        driver, version = info.get("CgroupDriver"), str(info.get("CgroupVersion", "1"))
        if driver != "cgroupfs":
            self.note = f"pids limit not enforced during builds (cgroup driver {driver or 'unknown'})"
            return
        try:
            self._create(version, pids)
            self.parent = "/" + self.name
        except OSError as exc:
            self.note = f"pids limit not enforced during builds (cannot create a cgroup: {exc.strerror or exc})"
            self.close()

    def _create(self, version: str, pids: int) -> None:
        if version == "2":
            folder = CGROUP_ROOT / self.name
            folder.mkdir()
            self._dirs.append(folder)
            (folder / "pids.max").write_text(str(pids))
            (folder / "cgroup.subtree_control").write_text("+pids")
        else:
            folder = CGROUP_ROOT / "pids" / self.name
            folder.mkdir()
            self._dirs.append(folder)
            (folder / "pids.max").write_text(str(pids))

    def close(self) -> None:
        """Remove our cgroup folders (docker removes the per-container ones below them)."""
        for folder in reversed(self._dirs):
            for child in sorted(folder.glob("*/"), reverse=True):
                with contextlib.suppress(OSError):
                    os.rmdir(child)
            with contextlib.suppress(OSError):
                os.rmdir(folder)
        self._dirs = []


def writable_layer_bytes(client, container_id: str) -> int | None:
    """The container's writable-layer size (the SDK's inspect has no `size` flag; the API has)."""
    api = client.api
    try:
        info = api._result(api._get(api._url("/containers/{0}/json", container_id), params={"size": 1}), True)
        return int(info.get("SizeRw") or 0)
    except Exception:  # noqa: BLE001 - gone already: nothing to measure
        return None


def is_build_step(client, entry: dict, cgroup_parent: str | None, since: float) -> bool:
    """Whether a listed container is a step of our build: created since it started, under its cgroup parent."""
    if cgroup_parent is None or entry.get("Created", 0) < since - 1:
        return False
    try:
        host = client.api.inspect_container(entry["Id"]).get("HostConfig") or {}
    except Exception:  # noqa: BLE001 - gone already
        return False
    return host.get("CgroupParent") == cgroup_parent


class _Watch:
    """A thread that calls `_look` every `interval` seconds while the `with` block runs, until it says stop."""

    def __init__(self, client, quota: int, interval: float = DISK_POLL_SECONDS) -> None:
        self.client, self.quota, self.interval = client, quota, interval
        self.exceeded: str | None = None
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="grader-disk", daemon=True)

    def __enter__(self):
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        self._thread.join(timeout=10)

    def _run(self) -> None:
        while not self._stop.wait(self.interval) and not self._look():
            pass

    def _look(self) -> bool:  # True: nothing more to watch
        raise NotImplementedError


class BuildDiskWatch(_Watch):
    """During a build: kill any build-step container under our cgroup parent (or, without one,
    started from the build) whose writable layer passes the quota."""

    def __init__(self, client, quota: int, cgroup_parent: str | None, since: float) -> None:
        super().__init__(client, quota)
        self.cgroup_parent, self.since = cgroup_parent, since

    def _look(self) -> bool:
        try:
            running = self.client.api.containers(filters={"status": "running"})
        except Exception:  # noqa: BLE001
            return False
        for entry in running:
            if not is_build_step(self.client, entry, self.cgroup_parent, self.since):
                continue
            size = writable_layer_bytes(self.client, entry["Id"])
            if size is not None and size >= self.quota:
                self.exceeded = f"a build step wrote {size // 2**20} MB (quota {self.quota // 2**20} MB)"
                with contextlib.suppress(Exception):
                    self.client.api.kill(entry["Id"])
        return False


class ContainerDiskWatch(_Watch):
    """While a run, boot, test or gate container lives: kill it once its writable layer reaches the
    quota (the kernel's file size limit stops one big file; this stops many files together)."""

    def __init__(self, client, container_id: str, quota: int, quota_text: str,
                 interval: float = DISK_POLL_SECONDS) -> None:
        super().__init__(client, quota, interval)
        self.container_id, self.quota_text = container_id, quota_text

    def _look(self) -> bool:
        size = writable_layer_bytes(self.client, self.container_id)
        if size is None or size < self.quota:
            return False
        self.exceeded = f"wrote {size // 2**20} MB to its filesystem (quota {self.quota_text}); killed"
        with contextlib.suppress(Exception):
            self.client.api.kill(self.container_id)
        return True
