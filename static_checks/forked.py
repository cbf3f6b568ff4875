"""Work spread over forked copies of this process, for the big trees of a static check.

Workers are forked after the input is in memory, so they read it from their copy instead of
receiving it through a pipe; only the (small) answers travel back. Answers come back in the order
of the tasks, whatever order they finished in, so a parallel run is as deterministic as a serial one.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Callable, Sequence
from typing import Any

# multiprocessing and concurrent.futures are imported when a pass goes parallel: a small check never pays for them.

# What the tasks of the pass under way read; set just before the fork, cleared after.
_SHARED: Any = None


def default_jobs() -> int:
    """The cores this process may run on."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not Linux
        return os.cpu_count() or 1


def can_fork() -> bool:
    # Forking a process that runs other threads (a server) can copy a lock mid-use: stay serial there.
    return hasattr(os, "fork") and threading.active_count() == 1


def _run(task: tuple[Callable[[Any, Any], Any], Any]) -> Any:
    fn, arg = task
    return fn(_SHARED, arg)


def forked_map(fn: Callable[[Any, Any], Any], shared: Any, args: Sequence[Any], jobs: int,
               first: Sequence[int] | None = None) -> list[Any] | None:
    """[fn(shared, a) for a in args], computed by `jobs` forked workers; None when a worker died
    (the caller then does the work itself). fn must be a module-level function. `first`: indexes
    of args in the order to start them (biggest first evens out the workers' loads)."""
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor
    from concurrent.futures.process import BrokenProcessPool

    global _SHARED
    _SHARED = shared
    order = list(first) if first is not None else list(range(len(args)))
    try:
        with ProcessPoolExecutor(max_workers=jobs, mp_context=multiprocessing.get_context("fork")) as pool:
            futures = {i: pool.submit(_run, (fn, args[i])) for i in order}
            return [futures[i].result() for i in range(len(args))]
    except BrokenProcessPool:
        return None
    finally:
        _SHARED = None
