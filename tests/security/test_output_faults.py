"""Faults around writing reports (issue 11, item 11): each is produced for real here.

- a symlink planted where a report goes is replaced, never followed;
- a second run into a locked output folder stops with one line and exit 2;
- a read-only output folder (a non-root user) and a full disk (a file size limit) give one line and
  exit 2, and the reports already there are left whole;
- a grade-many worker killed with SIGKILL fails only its own repo; a worker killed once is retried;
- a grade stopped with SIGTERM removes its ingest temp dir.
"""

from __future__ import annotations

import json
import contextlib
import os
import resource
import signal
import subprocess
import sys
import tarfile
import tempfile
import time
from pathlib import Path

import pytest
from typer.testing import CliRunner

from grader.cli import app
from grader.report.output import LOCK_NAME, locked_output_dir

GRADER = [sys.executable, "-m", "grader.cli"]
MINIMAL_APP = {
    "Gemfile": "source 'https://rubygems.org'\ngem 'rails'\ngem 'ruby_llm'\n",
    "app/services/chat.rb": "class Chat\n  def reply(text)\n    RubyLLM.chat.ask(text).content\n  end\nend\n",
}


def _app(folder: Path) -> Path:
    for rel, text in MINIMAL_APP.items():
        (folder / rel).parent.mkdir(parents=True, exist_ok=True)
        (folder / rel).write_text(text)
    return folder


def _grade_args(repo: Path, out: Path) -> list[str]:
    return ["grade", str(repo), "--rubric", "rails-rubyllm-v1", "--no-runtime", "--no-judge", "--out", str(out)]


def _one_line_error(stderr: str) -> str:
    lines = [ln for ln in stderr.splitlines() if ln.startswith("grader: ")]
    assert "Traceback" not in stderr, stderr
    assert len(lines) == 1, stderr
    return lines[0]


def test_a_symlink_planted_in_the_output_folder_is_replaced_not_followed(tmp_path):
    repo, out = _app(tmp_path / "repo"), tmp_path / "out"
    out.mkdir()
    victim = tmp_path / "victim.txt"
    victim.write_text("precious\n")
    for name in ("report.json", "report.md", "report.html"):
        (out / name).symlink_to(victim)
    res = CliRunner().invoke(app, _grade_args(repo, out))
    assert res.exit_code == 0, res.output
    assert victim.read_text() == "precious\n"
    for name in ("report.json", "report.md", "report.html"):
        assert not (out / name).is_symlink() and (out / name).stat().st_size > 100
    assert json.loads((out / "report.json").read_text())["rubric"] == "rails-rubyllm-v1"
    assert not [p for p in out.iterdir() if p.name.endswith(".tmp")]  # no temp file left


def test_a_symlink_planted_as_the_lock_file_stops_the_run(tmp_path):
    repo, out = _app(tmp_path / "repo"), tmp_path / "out"
    out.mkdir()
    victim = tmp_path / "victim.txt"
    victim.write_text("precious\n")
    (out / LOCK_NAME).symlink_to(victim)
    res = CliRunner().invoke(app, _grade_args(repo, out))
    assert res.exit_code == 2
    assert "symbolic link" in _one_line_error(res.stderr)
    assert victim.read_text() == "precious\n" and not (out / "report.json").exists()


def test_a_second_run_into_a_locked_output_folder_stops_at_once(tmp_path):
    repo, out = _app(tmp_path / "repo"), tmp_path / "out"
    with locked_output_dir(out):  # a first run holds the folder
        res = subprocess.run(GRADER + _grade_args(repo, out), capture_output=True, text=True, timeout=120)
    assert res.returncode == 2, res.stderr
    assert "another grader run is writing to" in _one_line_error(res.stderr)
    assert not (out / "report.json").exists()
    # Once released, a run goes through.
    assert subprocess.run(GRADER + _grade_args(repo, out), capture_output=True, timeout=120).returncode == 0


@pytest.fixture
def read_only_dir(tmp_path):
    """An empty folder nobody can write to: a read-only tmpfs mount when root (root ignores modes),
    else a folder with mode 0555."""
    out = tmp_path / "out"
    out.mkdir()
    if os.geteuid() != 0:
        out.chmod(0o555)
        yield out
        out.chmod(0o755)
        return
    mounted = subprocess.run(["mount", "-t", "tmpfs", "-o", "ro,size=64k", "tmpfs", str(out)], capture_output=True)
    if mounted.returncode != 0:
        pytest.skip(f"cannot mount a read-only tmpfs here: {mounted.stderr.decode().strip()}")
    try:
        yield out
    finally:
        subprocess.run(["umount", str(out)], capture_output=True)


def test_a_read_only_output_folder_is_a_one_line_input_error(tmp_path, read_only_dir):
    repo = _app(tmp_path / "repo")
    res = subprocess.run(GRADER + _grade_args(repo, read_only_dir), capture_output=True, text=True, timeout=120)
    assert res.returncode == 2, res.stderr
    assert "not writable" in _one_line_error(res.stderr)
    assert list(read_only_dir.iterdir()) == []


def _file_size_limit(limit: int):
    def apply() -> None:
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # writes past the limit fail with EFBIG
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))
    return apply


def test_a_full_disk_keeps_the_old_reports_whole_and_exits_2(tmp_path):
    repo, out = _app(tmp_path / "repo"), tmp_path / "out"
    assert subprocess.run(GRADER + _grade_args(repo, out), capture_output=True, timeout=120).returncode == 0
    before = {p.name: p.read_bytes() for p in out.iterdir() if p.name.startswith("report.")}
    (repo / "app" / "services" / "more.rb").write_text("class More\nend\n")  # the new report differs
    res = subprocess.run(GRADER + _grade_args(repo, out), capture_output=True, text=True, timeout=120,
                         preexec_fn=_file_size_limit(2048))
    assert res.returncode == 2, res.stderr
    assert "no space left" in _one_line_error(res.stderr)
    after = {p.name: p.read_bytes() for p in out.iterdir() if p.name.startswith("report.")}
    assert after == before  # nothing truncated, nothing half-new
    assert not [p for p in out.iterdir() if p.name.endswith(".tmp")]


def test_a_killed_worker_fails_only_its_own_repo(tmp_path, monkeypatch):
    """Workers are forked, so the patched `grade` below runs in them: it SIGKILLs its own worker
    for `killer` every time and for `flaky` only the first time (a kill from outside)."""
    import grader.batch as batch
    from grader.rubric import load_rubric

    from grader.ingest import ingest

    runs = tmp_path / "runs"
    repos = [_app(runs / n) for n in ("alpha", "flaky", "omega")]
    with tarfile.open(runs / "killer.tar.gz", "w:gz") as tar:
        tar.add(_app(tmp_path / "killer"), arcname="killer")
    repos.append(runs / "killer.tar.gz")
    marker = tmp_path / "flaky-was-killed"
    real_grade = batch.grade
    temp_root = tmp_path / "tmp"
    temp_root.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(temp_root))

    def grade(source, rubric, out_dir, options):
        name = Path(source).name
        if name == "killer.tar.gz":
            with ingest(source):  # unpacked into a temp dir, then the worker dies with it
                os.kill(os.getpid(), signal.SIGKILL)
        if name == "flaky" and not marker.exists():
            marker.touch()
            os.kill(os.getpid(), signal.SIGKILL)
        return real_grade(source, rubric, out_dir, options)

    monkeypatch.setattr(batch, "grade", grade)
    board = batch.grade_many(repos, load_rubric("rails-rubyllm-v1"), tmp_path / "board",
                             batch.GradeOptions(runtime=False, judge=False), jobs=2)
    rows = {r.name: r for r in board.rows}
    assert rows["killer"].error == ("worker process died while grading this repo "
                                    "(killed by SIGKILL; then killed by SIGKILL)")
    for name in ("alpha", "flaky", "omega"):
        assert rows[name].error is None and rows[name].total is not None, rows[name]
        assert (tmp_path / "board" / name / "report.json").is_file()
    assert (tmp_path / "board" / "leaderboard.csv").is_file()
    assert list(temp_root.iterdir()) == []  # the dead workers' ingest copies are gone too


@contextlib.contextmanager
def _reaped(proc: subprocess.Popen):
    """Whatever the test asserts, the grader it started and its workers end with it: a failed wait
    under load once left grade-many grading for 40 minutes after its test was over."""
    try:
        yield proc
    finally:
        if proc.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(proc.pid, signal.SIGKILL)
            proc.wait(timeout=30)


def test_sigterm_during_grade_removes_the_ingest_temp_dir(tmp_path):
    """A grade of an archive is stopped with SIGTERM while the static stage runs; the unpacked copy
    must not outlive it. The repo is large enough that the stage is still running when the signal lands."""
    src = _app(tmp_path / "big")
    for i in range(1500):
        (src / "app" / "models" / f"m{i}.rb").parent.mkdir(parents=True, exist_ok=True)
        (src / "app" / "models" / f"m{i}.rb").write_text(
            f"class M{i}\n" + "".join(f"  def f{j}(x)\n    RubyLLM.chat.ask(x.to_s).content\n  end\n"
                                      for j in range(20))
            + "end\n")
    archive = tmp_path / "big.tar.gz"
    with tarfile.open(archive, "w:gz") as tar:
        tar.add(src, arcname="big")
    tmpdir = tmp_path / "tmp"
    tmpdir.mkdir()
    proc = subprocess.Popen(GRADER + _grade_args(archive, tmp_path / "out"), stderr=subprocess.PIPE, text=True,
                            stdout=subprocess.DEVNULL, env={**os.environ, "TMPDIR": str(tmpdir)},
                            start_new_session=True)
    with _reaped(proc):
        for line in proc.stderr:
            if "static started" in line:
                break
        assert [p.name for p in tmpdir.iterdir() if p.name.startswith("grader-ingest-")], "ingest should be unpacked"
        proc.send_signal(signal.SIGTERM)
        rest = proc.stderr.read()
        assert proc.wait(timeout=60) == 130, rest
    assert "interrupted" in rest and "Traceback" not in rest
    assert not [p for p in tmpdir.iterdir() if p.name.startswith("grader-ingest-")]


def test_sigterm_to_grade_many_stops_its_workers_and_leaves_no_temp_dir(tmp_path):
    """grade-many is stopped while its workers unpack and analyse archives: it exits 130 with one
    line, its workers end, and neither their scratch dirs nor the ingest copies remain."""
    runs = tmp_path / "runs"
    runs.mkdir()
    src = _app(tmp_path / "big")
    for i in range(1500):
        (src / "app" / "models" / f"m{i}.rb").parent.mkdir(parents=True, exist_ok=True)
        (src / "app" / "models" / f"m{i}.rb").write_text(
            f"class M{i}\n" + "".join(f"  def f{j}(x)\n    RubyLLM.chat.ask(x.to_s).content\n  end\n"
                                      for j in range(20)) + "end\n")
    for name in ("one", "two", "three"):
        with tarfile.open(runs / f"{name}.tar.gz", "w:gz") as tar:
            tar.add(src, arcname=name)
    tmpdir = tmp_path / "tmp"
    tmpdir.mkdir()
    proc = subprocess.Popen(GRADER + ["grade-many", str(runs), "-r", "rails-rubyllm-v1", "--no-runtime", "--no-judge",
                                      "-o", str(tmp_path / "board"), "-j", "2"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
                            env={**os.environ, "TMPDIR": str(tmpdir)}, start_new_session=True)
    with _reaped(proc):
        deadline = time.monotonic() + 60
        while not list(tmpdir.glob("grader-worker-*/grader-ingest-*")) and time.monotonic() < deadline:
            time.sleep(0.05)
        assert list(tmpdir.glob("grader-worker-*/grader-ingest-*")), "a worker should be grading an unpacked copy"
        proc.send_signal(signal.SIGTERM)
        err = proc.communicate(timeout=60)[1]
    assert proc.returncode == 130, err
    assert "interrupted" in _one_line_error(err)
    assert list(tmpdir.iterdir()) == []
    assert not (tmp_path / "board" / "leaderboard.csv").exists()


def test_writing_to_a_device_writes_through_it_and_keeps_the_device(tmp_path):
    """`-o /dev/null` must not rename a temp file over the device node (it did: /dev/null became a file)."""
    import stat as stat_mod

    from grader.report.output import write_atomic

    fifo = tmp_path / "out.fifo"
    os.mkfifo(fifo)
    got: list[bytes] = []
    import threading

    reader = threading.Thread(target=lambda: got.append(fifo.read_bytes()))
    reader.start()
    write_atomic(fifo, "hello")
    reader.join(timeout=10)
    assert got == [b"hello"]
    assert stat_mod.S_ISFIFO(os.lstat(fifo).st_mode)
    assert stat_mod.S_ISCHR(os.lstat("/dev/null").st_mode)
    write_atomic(Path("/dev/null"), "discarded")
    assert stat_mod.S_ISCHR(os.lstat("/dev/null").st_mode)


def test_a_worker_stopped_as_it_starts_says_interrupted_without_a_traceback(tmp_path, capfd):
    """stop_workers() right after a fork: the child must not meet the stop under the handler it
    inherited (grade-many's, which raises KeyboardInterrupt) before its own is set: that printed a
    multiprocessing traceback and counted as a worker death."""
    import threading

    from grader import batch
    from grader.rubric import load_rubric

    def raise_interrupt(signum, frame):
        raise KeyboardInterrupt

    app_dir = _app(tmp_path / "app")
    previous = signal.signal(signal.SIGTERM, raise_interrupt)  # what grade-many installs in its process
    rows = []
    try:
        for attempt in range(5):
            batch._STOPPING.clear()
            worker = threading.Thread(target=lambda: rows.append(batch._graded_in_own_process(
                str(app_dir), f"a{attempt}", load_rubric("rails-rubyllm-v1"), str(tmp_path / "board"),
                batch.GradeOptions(runtime=False, judge=False))))
            worker.start()
            deadline = time.monotonic() + 30
            while not batch._WORKERS and worker.is_alive() and time.monotonic() < deadline:
                pass  # spin: the stop must land while the child is still starting up
            batch.stop_workers()
            worker.join(timeout=60)
    finally:
        signal.signal(signal.SIGTERM, previous)
        batch._STOPPING.clear()
    assert [row.error for row in rows] == ["interrupted"] * 5
    assert "Traceback" not in capfd.readouterr().err


def _grade_in_worker(tmp_path, name: str):
    from grader import batch
    from grader.rubric import load_rubric

    batch._STOPPING.clear()
    return batch._graded_in_own_process(str(_app(tmp_path / "app")), name, load_rubric("rails-rubyllm-v1"),
                                        str(tmp_path / "board"), batch.GradeOptions(runtime=False, judge=False))


def test_a_worker_stop_lost_in_a_finalizer_after_the_last_checkpoint_still_says_interrupted(tmp_path, capfd,
                                                                                          monkeypatch):
    """The stop lands while a finalizer runs at the very end of the grade (forced here: the finalizer
    signals its own process). Python swallows the KeyboardInterrupt there; the row must still be
    'interrupted' (not a finished grade) and no 'Exception ignored' traceback printed."""
    from grader import batch

    real_grade_one = batch.grade_one

    class StopsWhenFreed:
        def __del__(self):
            os.kill(os.getpid(), signal.SIGTERM)

    def grade_then_finalize(*args, **kwargs):
        row = real_grade_one(*args, **kwargs)
        StopsWhenFreed()  # freed at once: its __del__ runs the handler inside the finalizer
        return row

    monkeypatch.setattr(batch, "grade_one", grade_then_finalize)  # inherited by the forked worker
    row = _grade_in_worker(tmp_path, "lost")
    assert row.error == "interrupted"
    assert "Traceback" not in capfd.readouterr().err


def test_a_worker_stopped_just_after_its_grade_returned_says_interrupted_without_a_traceback(tmp_path, capfd,
                                                                                            monkeypatch):
    """The stop lands after grade_one returned, when the worker disarms its signals (forced here: the
    worker signals itself on that first call). It used to run the handler outside the try: a
    multiprocessing traceback and a 'worker died' row."""
    from grader import batch

    real_disarm, parent = batch._disarm_stops, os.getpid()
    calls = []

    def stopped_while_disarming():
        calls.append(1)
        if os.getpid() != parent and len(calls) == 1:
            os.kill(os.getpid(), signal.SIGTERM)
        real_disarm()

    monkeypatch.setattr(batch, "_disarm_stops", stopped_while_disarming)
    row = _grade_in_worker(tmp_path, "late")
    assert row.error == "interrupted"
    assert "Traceback" not in capfd.readouterr().err
