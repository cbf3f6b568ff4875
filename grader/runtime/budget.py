"""The runtime stage's clock: time left in the stage budget, and cancellation of a run."""

from __future__ import annotations

import time

from grader.core.stage import CancelToken
from grader.runtime.models import Step, StepStatus


class Budget:
    """Time left for the stage, and the run's cancel token (the job's own, or one of ours that
    cancel_all_runs sets)."""

    def __init__(self, seconds: float, cancel: CancelToken | None = None) -> None:
        self.deadline = time.monotonic() + seconds
        self.cancel = cancel if cancel is not None else CancelToken()
        self.interrupted: int | None = None  # the signal that stopped the run (set in its handler)

    @property
    def is_cancelled(self) -> bool:
        return self.interrupted is not None or self.cancel.cancelled

    def remaining(self) -> float:
        return self.deadline - time.monotonic()

    def timeout(self, step_timeout: float) -> float | None:
        """The step's timeout cut to what is left of the budget; None when nothing is left."""
        left = self.remaining()
        return None if left <= 1 or self.is_cancelled else min(step_timeout, left)

    def why_not(self) -> str:
        return "run cancelled" if self.is_cancelled else "stage budget exhausted"


def over_budget(step: Step, budget: Budget) -> Step:
    step.status, step.reason = StepStatus.skipped, budget.why_not()
    return step


def engine_trouble(step: Step, exc: Exception, budget: Budget) -> None:
    if budget.is_cancelled:  # the run's containers were removed under us
        step.status, step.reason = StepStatus.skipped, budget.why_not()
    else:
        step.status, step.reason = StepStatus.failed, f"engine error: {type(exc).__name__}: {exc}"[:300]
