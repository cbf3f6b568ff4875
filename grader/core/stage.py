"""The contract between the pipeline and its stages.

A stage is an object with a name, the prefix of the fact ids it owns, and `run(context)`. It reads
the repo only through the context, reports progress through `context.progress`, checks
`context.cancel` between steps, and hands on typed facts plus a typed summary. It never reaches
into another stage: what it needs from earlier stages is in `context.facts`.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal, Protocol, runtime_checkable

from pydantic import BaseModel

StageStatus = Literal["ok", "partial", "failed", "skipped", "not_applicable"]


class Cancelled(Exception):
    """Raised by a stage that saw its job's cancel token set; the pipeline records it, never hides it."""


class CancelToken:
    """Per-job cancellation: one token per grade, so cancelling one job leaves the others running."""

    def __init__(self) -> None:
        self._event = threading.Event()
        self._callbacks: list[Callable[[], None]] = []
        self._lock = threading.Lock()
        self.reason: str | None = None

    def cancel(self, reason: str = "cancelled") -> None:
        with self._lock:
            if self._event.is_set():
                return
            self.reason = reason
            self._event.set()
            callbacks, self._callbacks = self._callbacks, []
        for cb in callbacks:  # e.g. remove this job's containers, close its judge calls
            try:
                cb()
            except Exception:  # noqa: BLE001 - one failing cleanup must not stop the others
                pass

    def on_cancel(self, cb: Callable[[], None]) -> None:
        """Run `cb` when the token is cancelled (at once when it already is)."""
        with self._lock:
            if not self._event.is_set():
                self._callbacks.append(cb)
                return
        cb()

    @property
    def cancelled(self) -> bool:
        return self._event.is_set()

    def raise_if_cancelled(self) -> None:
        if self._event.is_set():
            raise Cancelled(self.reason or "cancelled")

    def wait(self, seconds: float) -> bool:
        """Sleep up to `seconds`; True when cancelled meanwhile."""
        return self._event.wait(seconds)


@dataclass(frozen=True)
class ProgressEvent:
    """One step of one stage: shown on a terminal, stored by the service."""

    stage: str
    step: str  # e.g. "build", "boot", "tests", "criterion error_ui_quality"
    state: Literal["started", "finished", "failed", "skipped", "info"] = "info"
    done: int | None = None  # steps finished in this stage, when known
    total: int | None = None
    detail: str | None = None
    at: float = field(default_factory=time.time)


ProgressCallback = Callable[[ProgressEvent], None]


def no_progress(_event: ProgressEvent) -> None:
    return None


@dataclass
class StageContext:
    """What a stage may see. `facts` holds the facts of the stages that ran before it
    (a `grader.scoring.FactSet`-like lookup), `options` the stage's own typed options."""

    repo: Path
    rubric: Any
    facts: Any
    options: Any = None
    progress: ProgressCallback = no_progress
    cancel: CancelToken = field(default_factory=CancelToken)


class StageOutcome(BaseModel):
    """What a stage hands on: its status, facts (ids under its prefix) and a typed summary."""

    model_config = {"arbitrary_types_allowed": True}

    status: StageStatus
    detail: str | None = None  # one line: why skipped / failed / partial
    facts: list[Any] = []  # grader.core facts (Fact)
    summary: Any = None  # the stage's own pydantic model, stored in the report under the stage name


@runtime_checkable
class Stage(Protocol):
    name: str  # "static", "runtime", "self_review", "judge"
    fact_prefix: str  # "" for static, "runtime.", "selfreview.", "judge."

    def applies(self, context: StageContext) -> str | None:
        """None when the stage should run; else the reason it is skipped."""

    def run(self, context: StageContext) -> StageOutcome: ...
