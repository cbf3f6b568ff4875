"""Work spread over forked copies of this process, for the big trees of a static check.

Workers are forked after the input is in memory, so they read it from their copy instead of
receiving it through a pipe; only the (small) answers travel back. Answers come back in the order
of the tasks, whatever order they finished in, so a parallel run is as deterministic as a serial one.

The pool is a few pipes and os.fork, not concurrent.futures: importing multiprocessing and
concurrent.futures cost a check about 30 ms of its start-up, in the one process that runs before the
work is shared out, and their executor adds a thread or two and a pickled call per task. Here the
workers take the next task's number from one pipe (a read of one 4-byte number is atomic), so a
worker that is done early takes more, and each sends its answers back on a pipe of its own.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Callable, Sequence
from typing import Any

# What the tasks of the pass under way read; set just before the fork, cleared after.
_SHARED: Any = None
_NUMBER = 4  # bytes of a task's number on the task pipe
_LENGTH = 8  # bytes of an answer's length on a worker's pipe


def default_jobs() -> int:
    """The cores this process may run on."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not Linux
        return os.cpu_count() or 1


def can_fork() -> bool:
    # Forking a process that runs other threads (a server) can copy a lock mid-use: stay serial there.
    return hasattr(os, "fork") and threading.active_count() == 1


class _Failed:
    """A task that raised in a worker: the exception is raised again here, as the executor did."""

    def __init__(self, error: BaseException) -> None:
        self.error = error


def _write_all(fd: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        view = view[os.write(fd, view):]


def _work(fn: Callable[[Any, Any], Any], args: Sequence[Any], tasks: int, answers: int) -> None:
    """A worker's loop: take a task's number, run it, send (number, answer) pickled and framed."""
    import pickle

    while True:
        number = os.read(tasks, _NUMBER)
        if len(number) < _NUMBER:  # the pipe is empty and closed: every task is taken
            return
        i = int.from_bytes(number, "little")
        try:
            answer: Any = fn(_SHARED, args[i])
        except Exception as exc:  # noqa: BLE001 - handed to the parent, which raises it
            answer = _Failed(exc)
        try:
            data = pickle.dumps((i, answer), protocol=pickle.HIGHEST_PROTOCOL)
        except Exception as exc:  # noqa: BLE001 - an exception that cannot be pickled: its text
            data = pickle.dumps((i, _Failed(RuntimeError(f"{type(exc).__name__}: {exc}"))))
        _write_all(answers, len(data).to_bytes(_LENGTH, "little") + data)


def _start(fn: Callable[[Any, Any], Any], args: Sequence[Any], tasks: tuple[int, int]) -> tuple[int, int]:
    """Fork one worker reading task numbers from the pipe `tasks` (read end, write end); (its pid,
    the read end of its answer pipe)."""
    read_end, write_end = os.pipe()
    pid = os.fork()
    if pid == 0:  # the worker: never returns into the caller's code
        code = 0
        try:
            os.close(read_end)
            os.close(tasks[1])  # else the task pipe never ends for the workers: each would hold it open
            _work(fn, args, tasks[0], write_end)
        except BaseException:  # noqa: BLE001 - a broken pipe or an interrupt: the parent sees a worker die
            code = 1
        finally:
            os._exit(code)  # no atexit handlers or buffered output of the parent run twice
    os.close(write_end)
    return pid, read_end


def _collect(readers: list[int]) -> dict[int, Any]:
    """Every answer the workers sent, by task number, reading all pipes as they fill."""
    import pickle
    import selectors

    pending = {fd: bytearray() for fd in readers}
    got: dict[int, Any] = {}
    with selectors.DefaultSelector() as sel:
        for fd in readers:
            sel.register(fd, selectors.EVENT_READ)
        while pending:
            for key, _mask in sel.select():
                fd = key.fd
                chunk = os.read(fd, 1 << 20)
                if not chunk:  # the worker is done (or died): its pipe is closed
                    sel.unregister(fd)
                    del pending[fd]
                    continue
                buf = pending[fd]
                buf += chunk
                while len(buf) >= _LENGTH:
                    size = int.from_bytes(buf[:_LENGTH], "little")
                    if len(buf) < _LENGTH + size:
                        break
                    i, answer = pickle.loads(buf[_LENGTH:_LENGTH + size])
                    got[i] = answer
                    del buf[:_LENGTH + size]
    return got


def forked_map(fn: Callable[[Any, Any], Any], shared: Any, args: Sequence[Any], jobs: int,
               first: Sequence[int] | None = None) -> list[Any] | None:
    """[fn(shared, a) for a in args], computed by `jobs` forked workers; None when a worker died
    (the caller then does the work itself). fn must be a module-level function. `first`: indexes
    of args in the order to start them (biggest first evens out the workers' loads)."""
    import gc
    import sys

    global _SHARED
    order = list(first) if first is not None else list(range(len(args)))
    for stream in (sys.stdout, sys.stderr):  # else a worker could write the parent's pending output again
        try:
            stream.flush()
        except (OSError, ValueError):
            pass
    _SHARED = shared
    tasks_read, tasks_write = os.pipe()
    workers: list[tuple[int, int]] = []
    # The parent's objects go to the collector's permanent generation: a worker's collections then
    # skip them instead of touching (and so copying) every page of the parent's heap.
    gc.freeze()
    try:
        for _ in range(max(1, min(jobs, len(args)))):
            workers.append(_start(fn, args, (tasks_read, tasks_write)))
        os.close(tasks_read)
        tasks_read = -1
        _write_all(tasks_write, b"".join(i.to_bytes(_NUMBER, "little") for i in order))
        os.close(tasks_write)
        tasks_write = -1
        got = _collect([fd for _pid, fd in workers])
    finally:
        gc.unfreeze()
        _SHARED = None
        for fd in (tasks_read, tasks_write, *(fd for _pid, fd in workers)):
            if fd >= 0:
                try:
                    os.close(fd)
                except OSError:
                    pass
        died = False
        for pid, _fd in workers:
            _pid, status = os.waitpid(pid, 0)
            died = died or not (os.WIFEXITED(status) and os.WEXITSTATUS(status) == 0)
    if died or len(got) < len(args):
        return None
    for answer in got.values():
        if isinstance(answer, _Failed):
            raise answer.error
    return [got[i] for i in range(len(args))]
