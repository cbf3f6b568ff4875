"""How many jobs a worker host may run at once: what its Docker engine can hold."""

from __future__ import annotations

import os

# What one graded app may use in the runtime stage (grader.runtime.RuntimeOptions defaults: 1 CPU, 1 GiB),
# plus headroom for the build and the grader itself.
CPUS_PER_JOB = 1.0
MEMORY_PER_JOB = 2 * 1024**3


def docker_capacity() -> tuple[int, str]:
    """(jobs at once, why). Falls back to the host's CPU count when no Docker engine answers."""
    try:
        import docker

        info = docker.from_env(timeout=5).info()
        ncpu, mem = int(info.get("NCPU") or 1), int(info.get("MemTotal") or 0)
        slots = max(1, min(int(ncpu // CPUS_PER_JOB), int(mem // MEMORY_PER_JOB) if mem else ncpu))
        return slots, f"Docker engine: {ncpu} CPUs, {mem / 1024**3:.1f} GiB -> {slots} jobs at once"
    except Exception as exc:  # noqa: BLE001 - no engine: runtime stages will be skipped anyway
        ncpu = os.cpu_count() or 1
        return max(1, ncpu), f"no Docker engine answered ({type(exc).__name__}); {ncpu} CPUs -> {max(1, ncpu)} jobs"
