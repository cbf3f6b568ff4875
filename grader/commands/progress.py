"""Per-stage progress for `grade`: a live rich display on a terminal (each stage with its elapsed
time, the current step of the running one), plain timestamped lines otherwise. A heartbeat line
says what is still running, so a long Docker build is never 90 s of silence."""

from __future__ import annotations

import sys
import threading
import time
from typing import IO, TYPE_CHECKING

from grader.core.stage import ProgressEvent
from grader.report.escape import terminal_text

if TYPE_CHECKING:
    from rich.progress import TaskID

HEARTBEAT_SECONDS = 30.0


class PlainProgress:
    """One line per event on a stream that is not a terminal (logs, CI, pipes)."""

    def __init__(self, stream: IO[str] | None = None, heartbeat: float = HEARTBEAT_SECONDS) -> None:
        self.stream = stream or sys.stderr
        self.started = time.monotonic()
        self.last_line = self.started
        self.running: str | None = None
        self.heartbeat = heartbeat
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def __enter__(self) -> PlainProgress:
        self._thread = threading.Thread(target=self._beat, name="grader-progress", daemon=True)
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=2)

    def _print(self, text: str) -> None:
        with self._lock:
            now = time.monotonic()
            self.last_line = now
            print(f"[{now - self.started:7.1f}s] {terminal_text(text)}", file=self.stream, flush=True)

    def _beat(self) -> None:
        while not self._stop.wait(min(1.0, self.heartbeat)):
            if self.running and time.monotonic() - self.last_line >= self.heartbeat:
                self._print(f"{self.running}: still running")

    def __call__(self, event: ProgressEvent) -> None:
        label = event.stage if event.step == "stage" else f"{event.stage} {event.step}"
        if event.state == "started":
            self.running = label
        elif event.step == "stage":
            self.running = None
        detail = f": {event.detail}" if event.detail else ""
        self._print(f"{label} {event.state}{detail}")


class RichProgress:
    """A live table on a terminal: one row per stage with a spinner and its elapsed time."""

    def __init__(self) -> None:
        from rich.console import Console
        from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn
        from rich.table import Column

        # The elapsed time keeps its width; a long detail is cut instead.
        text = TextColumn("{task.description}", table_column=Column(ratio=1, no_wrap=True, overflow="ellipsis"))
        self.progress = Progress(SpinnerColumn(), text, TimeElapsedColumn(table_column=Column(min_width=7)),
                                 console=Console(stderr=True), transient=False, expand=True)
        self.tasks: dict[str, TaskID] = {}
        self._lock = threading.Lock()

    def __enter__(self) -> RichProgress:
        self.progress.__enter__()
        return self

    def __exit__(self, *exc: object) -> None:
        self.progress.__exit__(None, None, None)

    def _task(self, stage: str) -> TaskID:
        if stage not in self.tasks:
            self.tasks[stage] = self.progress.add_task(stage, total=None)
        return self.tasks[stage]

    def __call__(self, event: ProgressEvent) -> None:
        from rich.markup import escape

        with self._lock:
            task = self._task(event.stage)
            name = escape(terminal_text(event.stage))
            detail = escape(terminal_text(event.detail or ""))[:100]
            if event.step == "stage" and event.state != "started":
                mark = {"finished": "[green]done[/]", "failed": "[red]failed[/]"}.get(event.state, "[yellow]skipped[/]")
                self.progress.update(task, description=f"{name} {mark}" + (f": {detail}" if detail else ""),
                                     total=1, completed=1)
                self.progress.stop_task(task)
            elif event.step == "stage":
                self.progress.update(task, description=name)
            else:
                step = escape(terminal_text(event.step))
                suffix = f" ({detail})" if detail else ""
                self.progress.update(task, description=f"{name}: {step} {event.state}{suffix}")


def stage_progress(stream: IO[str] | None = None) -> PlainProgress | RichProgress:
    stream = stream or sys.stderr
    if stream.isatty():
        return RichProgress()
    return PlainProgress(stream)
