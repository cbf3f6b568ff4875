"""Which grading process made a labelled Docker object, and whether it still runs (no docker import).

Every container, image and volume we create carries `grader.owner=<hostname>:<pid>`, the gem cache's
build layers included, so `grader runtime clean` can tell what a live run is using from what a dead
one left."""

from __future__ import annotations

import os
import socket

OWNER = "grader.owner"


def owner_value() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"


def owner_alive(object_labels: dict[str, str] | None) -> bool:
    """Whether the grading process that created an object still runs (on this host). No owner label
    (objects made before owners were recorded) counts as gone."""
    host, _, pid = (object_labels or {}).get(OWNER, "").rpartition(":")
    if host != socket.gethostname() or not pid.isdigit():
        return False
    try:
        os.kill(int(pid), 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # alive, owned by another user
        return True
    return True
