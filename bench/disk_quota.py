"""How far a container can write past the runtime's disk quota on this engine.

    python bench/disk_quota.py [--base-image grader-base:bookworm] [--quota 200m] [--repeat 3]

The engine here (overlay2 on ext4) refuses `--storage-opt size`, so the quota is held by the kernel's
file size limit (one file) and a watcher of the writable layer (many files). For each way of writing
at full speed it prints what the writable layer held when the container was stopped, against the
quota: `one file` (dd into one file: the file size limit), `many files` (1 MB files: the watcher),
`many writers` (4 processes of 1 MB files: the watcher against parallel writes).
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

WRITERS = {
    "one file": "dd if=/dev/zero of=/tmp/big bs=1M count=100000 2>/dev/null; sleep 30",
    "many files": "i=0; while [ $i -lt 100000 ]; do head -c 1048576 /dev/zero > /tmp/f$i; i=$((i+1)); done",
    "many writers": "for w in 1 2 3 4; do (i=0; while [ $i -lt 100000 ]; do head -c 1048576 /dev/zero"
                    " > /tmp/w$w-$i; i=$((i+1)); done) & done; wait",
}


def once(client, image: str, command: str, quota: str) -> tuple[int, float, str]:
    """(bytes in the writable layer once stopped, seconds until stopped, how it ended)."""
    from grader.runtime.engine import remove_quietly, run_to_completion
    from grader.runtime.options import Limits
    from grader.runtime.sandbox_limits import writable_layer_bytes

    started = time.monotonic()
    outcome = run_to_completion(client, image, ["sh", "-c", command], run_id="bench-disk", step="bench",
                                env={}, limits=Limits(disk=quota, pids=64), timeout=120)
    seconds = time.monotonic() - started
    try:
        written = writable_layer_bytes(client, outcome.container.id) or 0
        how = outcome.disk_exceeded or f"exit {outcome.exit_code}"
    finally:
        remove_quietly(outcome.container)
    return written, seconds, how


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--base-image", default="grader-base:bookworm")
    parser.add_argument("--quota", default="200m")
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()

    from grader.runtime.engine import _bytes, connect, engine_description
    from grader.runtime.sandbox_limits import DISK_POLL_SECONDS

    client = connect()
    info = client.info()
    quota = _bytes(args.quota)
    status = dict(info.get("DriverStatus") or [])
    print(f"engine: {engine_description(client)}, storage {info.get('Driver')} on "
          f"{status.get('Backing Filesystem', '?')}; quota {args.quota}; watcher poll {DISK_POLL_SECONDS:g} s")
    for name, command in WRITERS.items():
        runs = [once(client, args.base_image, command, args.quota) for _ in range(args.repeat)]
        over = [(w - quota) / 2**20 for w, _, _ in runs]
        print(f"{name:13s} written at stop: " + ", ".join(f"{w / 2**20:.0f} MB" for w, _, _ in runs)
              + f" | past the quota: max {max(over):+.0f} MB, median {statistics.median(over):+.0f} MB"
              + f" | stopped after {statistics.median(s for _, s, _ in runs):.1f} s | {runs[-1][2]}")


if __name__ == "__main__":
    main()
