"""`grade` progress: plain lines with elapsed time when not on a terminal (and a heartbeat while a
stage runs long), a live rich display on a terminal; terminal text never carries escapes."""

from __future__ import annotations

import io
import threading

from grader.commands.progress import PlainProgress, RichProgress, stage_progress
from grader.core.stage import ProgressEvent


def test_plain_lines_name_each_step_and_a_long_stage_is_never_silent():
    out = io.StringIO()
    with PlainProgress(out, heartbeat=0.2) as progress:
        progress(ProgressEvent("runtime", "stage", "started"))
        progress(ProgressEvent("runtime", "build", "started"))
        threading.Event().wait(0.7)
        progress(ProgressEvent("runtime", "build", "finished", detail="image \x1b[31mred"))
        progress(ProgressEvent("runtime", "stage", "finished"))
    lines = out.getvalue().splitlines()
    assert lines[0].endswith("] runtime started") and lines[0].startswith("[")
    assert any(line.endswith("runtime build: still running") for line in lines)
    assert lines[-2].endswith("runtime build finished: image [31mred") and "\x1b" not in out.getvalue()


class _Tty(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_a_terminal_gets_the_live_display_and_a_pipe_gets_lines():
    assert isinstance(stage_progress(_Tty()), RichProgress)
    assert isinstance(stage_progress(io.StringIO()), PlainProgress)
