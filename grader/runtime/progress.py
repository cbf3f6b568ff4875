"""Progress of the runtime stage's steps, told to the caller's ProgressCallback (a terminal line,
the service's job record). A failing callback never stops a run."""

from __future__ import annotations

from grader.core.stage import ProgressCallback, ProgressEvent
from grader.runtime.models import Step, StepStatus

_STATE = {StepStatus.ok: "finished", StepStatus.failed: "failed", StepStatus.timeout: "failed"}


class StepProgress:
    def __init__(self, callback: ProgressCallback | None) -> None:
        self.callback = callback
        self.done = 0

    def _emit(self, step: str, state: str, detail: str | None = None) -> None:
        if self.callback is None:
            return
        try:
            self.callback(ProgressEvent(stage="runtime", step=step, state=state, done=self.done,  # type: ignore[arg-type]
                                        detail=detail))
        except Exception:  # noqa: BLE001 - progress is advisory
            pass

    def started(self, step: str, detail: str | None = None) -> None:
        self._emit(step, "started", detail)

    def finished(self, step: str, result: Step) -> Step:
        self.done += 1
        detail = result.reason or f"{result.status.value} in {result.duration_seconds:.1f}s"
        self._emit(step, _STATE.get(result.status, "skipped"), detail)
        return result

    def run(self, step: str, fn, *args, **kwargs):
        """Call fn, telling when it starts and how it ended."""
        self.started(step)
        return self.finished(step, fn(*args, **kwargs))
