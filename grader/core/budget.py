"""Time budgets for analysing one repo: small hostile inputs must not take minutes.

A `Deadline` is a point in monotonic time. The static pass starts one per repo (`start_repo_budget`)
and every file gets its own, never later than the repo's (`file_deadline`). Code that can run long
asks `expired()` (or `check()`, which raises OverBudget) between steps; the caller turns an
OverBudget into a reported skip, and the rest of the repo completes.
"""

from __future__ import annotations

import contextlib
import contextvars
import signal
import sys
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass

REPO_STATIC_SECONDS = 300.0  # the whole static pass of one repo
FILE_SECONDS = 5.0  # one file's parse (the slowest real file of Ruby's stdlib parses in well under 0.5 s)


PER_FILE = "per-file budget"
PER_REPO = "repo analysis budget"


class OverBudget(Exception):
    """A step ran past its deadline; str(exc) says which budget, for the report."""


@dataclass(frozen=True)
class Deadline:
    at: float | None  # time.monotonic() value; None: no limit
    seconds: float | None
    what: str  # "repo analysis budget" / "per-file budget"

    @classmethod
    def after(cls, seconds: float | None, what: str) -> Deadline:
        return cls(None if seconds is None else time.monotonic() + seconds, seconds, what)

    def expired(self) -> bool:
        return self.at is not None and time.monotonic() >= self.at

    def remaining(self) -> float | None:
        return None if self.at is None else max(0.0, self.at - time.monotonic())

    def reason(self) -> str:
        return f"{self.what} of {self.seconds:g} s exhausted" if self.seconds is not None else self.what

    def check(self) -> None:
        if self.expired():
            raise OverBudget(self.reason())


NO_DEADLINE = Deadline(None, None, "no budget")
_REPO: contextvars.ContextVar[Deadline] = contextvars.ContextVar("grader_repo_deadline", default=NO_DEADLINE)


def start_repo_budget(seconds: float | None = None) -> Deadline:
    """Start the budget of the repo analysed now in this context (replacing any earlier one);
    REPO_STATIC_SECONDS unless given."""
    deadline = Deadline.after(REPO_STATIC_SECONDS if seconds is None else seconds, PER_REPO)
    _REPO.set(deadline)
    return deadline


def repo_deadline() -> Deadline:
    return _REPO.get()


def file_deadline(seconds: float | None = None) -> Deadline:
    """A file's deadline: `seconds` (FILE_SECONDS unless given) from now, or the repo's when that
    comes first."""
    repo = _REPO.get()
    own = Deadline.after(FILE_SECONDS if seconds is None else seconds, PER_FILE)
    if repo.at is not None and (own.at is None or repo.at <= own.at):
        return repo
    return own


def expired() -> bool:
    """Whether the current repo's budget is spent."""
    return _REPO.get().expired()


def checkpoint() -> None:
    """Raise OverBudget once the current repo's budget is spent, KeyboardInterrupt once a stop was
    requested. Cheap (a flag, a context lookup and a clock read): cross-file passes (rules, fact
    collectors) call it in their inner loops, so one slow pass cannot outlive the repo budget."""
    if _STOP.is_set():
        raise KeyboardInterrupt("stop requested")
    _REPO.get().check()


# ---- stopping on a signal ----------------------------------------------------------------------
# A signal handler that raises KeyboardInterrupt is not enough: when the handler happens to run
# inside a finalizer (a generator closed as it is freed: every abandoned `any(x for ...)`), Python
# prints the exception as "ignored" and carries on. The flag below outlives that: `checkpoint()`
# raises again at the next step of the analysis, and between stages the pipeline asks it.
_STOP = threading.Event()


def request_stop() -> None:
    _STOP.set()


def stop_requested() -> bool:
    return _STOP.is_set()


def quiet_lost_interrupts():
    """Stop printing a KeyboardInterrupt that a finalizer swallowed as an "ignored" traceback (the stop
    flag carries it on); other unraisable errors still reach the previous hook, which is returned."""
    previous_hook = sys.unraisablehook

    def hook(unraisable):
        if not isinstance(unraisable.exc_value, KeyboardInterrupt):
            previous_hook(unraisable)

    sys.unraisablehook = hook
    return previous_hook


@contextlib.contextmanager
def stop_on_signals(signals=(signal.SIGINT, signal.SIGTERM, signal.SIGHUP)) -> Iterator[None]:
    """Within the block (main thread only), these signals request a stop and raise KeyboardInterrupt,
    so every `finally` (temp dirs, containers, locks) runs; a KeyboardInterrupt lost in a finalizer
    is not printed as a traceback, and is raised again at the next checkpoint."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def handler(signum, frame):
        _STOP.set()
        raise KeyboardInterrupt(f"signal {signum}")

    previous = {sig: signal.signal(sig, handler) for sig in signals}
    previous_hook = quiet_lost_interrupts()
    try:
        yield
    finally:
        sys.unraisablehook = previous_hook
        for sig, old in previous.items():
            signal.signal(sig, old if old is not None else signal.SIG_DFL)
        _STOP.clear()
