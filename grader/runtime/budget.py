"""The runtime stage's clock: time left in the stage budget, and cancellation of a run."""

from __future__ import annotations

import threading
import time

from grader.runtime.models import Step, StepStatus


class Budget:
    """Time left for the stage, and whether the run was cancelled (cancel_all_runs)."""

    def __init__(self, seconds: float) -> None:
        self.deadline = time.monotonic() + seconds
        self.cancelled = threading.Event()

    def remaining(self) -> float:
        return self.deadline - time.monotonic()

    def timeout(self, step_timeout: float) -> float | None:
        """The step's timeout cut to what is left of the budget; None when nothing is left."""
        left = self.remaining()
        return None if left <= 1 or self.cancelled.is_set() else min(step_timeout, left)

    def why_not(self) -> str:
        return "run cancelled" if self.cancelled.is_set() else "stage budget exhausted"


def over_budget(step: Step, budget: Budget) -> Step:
    step.status, step.reason = StepStatus.skipped, budget.why_not()
    return step


def engine_trouble(step: Step, exc: Exception, budget: Budget) -> None:
    if budget.cancelled.is_set():  # cancel_all_runs removed the container under us
        step.status, step.reason = StepStatus.skipped, budget.why_not()
    else:
        step.status, step.reason = StepStatus.failed, f"engine error: {type(exc).__name__}: {exc}"[:300]
