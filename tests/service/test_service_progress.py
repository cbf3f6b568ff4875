"""How pipeline ProgressEvents become a job's stage and progress fraction."""

from __future__ import annotations

import pytest

from grader.core.stage import ProgressEvent
from grader.service.runner import _Progress


def test_stage_events_give_the_whole_jobs_fraction_and_steps_move_within_a_stage():
    p = _Progress()
    p(ProgressEvent("static", "stage", "started", done=0, total=4))
    assert (p.stage, p.fraction) == ("static", 0.0) and p.changed.is_set()
    p(ProgressEvent("static", "stage", "finished", done=1, total=4))
    assert p.fraction == pytest.approx(0.25)
    p(ProgressEvent("runtime", "stage", "started", done=1, total=4))
    p(ProgressEvent("runtime", "boot", "started", done=2, total=4))  # step 2 of 4 inside runtime
    assert p.stage == "runtime" and p.step == "boot" and p.fraction == pytest.approx(0.25 + 0.25 * 0.5)
    p(ProgressEvent("runtime", "build", "finished", done=1, total=4))  # never moves backwards
    assert p.fraction == pytest.approx(0.375)
    p(ProgressEvent("score", "stage", "finished", done=4, total=4))
    assert p.fraction == pytest.approx(0.99)  # 1.0 only once the job is stored as done


def test_without_stage_events_the_stage_order_stands_in():
    p = _Progress()
    p(ProgressEvent("ingest", "unpack", "started"))
    assert p.fraction == 0.0
    p(ProgressEvent("runtime", "tests", "started"))
    assert 0.3 < p.fraction < 0.5 and p.stage == "runtime"
