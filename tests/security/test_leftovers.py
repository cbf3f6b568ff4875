"""What a killed or finished run leaves behind (issue 11, item 11).

- an ingest copy of a grade killed with SIGKILL is swept by the next grade, but only when it is ours
  (our uid, a real folder), its process is gone and it is old enough; nothing else is touched;
- the output folder's lock file is removed when the run releases it, and the lock still excludes.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import tarfile
import tempfile
import time
from pathlib import Path

import pytest

from grader.ingest import STALE_AFTER_S, TEMP_PREFIX, ingest, sweep_stale_temp_dirs
from grader.report.output import LOCK_NAME, OutputError, locked_output_dir

GRADER = [sys.executable, "-m", "grader.cli"]


def _dead_pid() -> int:
    proc = subprocess.Popen([sys.executable, "-c", "pass"])
    proc.wait()
    return proc.pid


def _folder(root: Path, name: str, age: float) -> Path:
    folder = root / name
    (folder / "repo").mkdir(parents=True)
    (folder / "repo" / "Gemfile").write_text("gem 'rails'\n")
    then = time.time() - age
    os.utime(folder, (then, then))
    return folder


def test_only_our_stale_ingest_copies_of_dead_processes_are_swept(tmp_path):
    dead, old, young = _dead_pid(), STALE_AFTER_S + 60, 5.0
    victim = tmp_path / "victim"
    victim.mkdir()
    (victim / "keep.txt").write_text("precious")
    root = tmp_path / "tmp"
    root.mkdir()
    stale = _folder(root, f"{TEMP_PREFIX}{dead}-abc123", old)
    kept = {
        "live": _folder(root, f"{TEMP_PREFIX}{os.getppid()}-abc123", old),  # its process still runs
        "young": _folder(root, f"{TEMP_PREFIX}{dead}-young1", young),  # too recent to judge
        "legacy_young": _folder(root, f"{TEMP_PREFIX}abcd1234", old),  # no pid: only after a day
        "other_name": _folder(root, "grader-ingestion-x", old),
    }
    legacy_old = _folder(root, f"{TEMP_PREFIX}efgh5678", 2 * 86_400)
    link = root / f"{TEMP_PREFIX}{dead}-link"
    link.symlink_to(victim)
    os.utime(link, (time.time() - old,) * 2, follow_symlinks=False)
    if os.geteuid() == 0:  # another user's folder: never ours to remove
        kept["foreign"] = _folder(root, f"{TEMP_PREFIX}{dead}-foreign", old)
        os.chown(kept["foreign"], 65534, 65534)
    removed = sweep_stale_temp_dirs(root)
    assert sorted(removed) == sorted([stale, legacy_old])
    assert not stale.exists() and not legacy_old.exists()
    assert all(folder.is_dir() for folder in kept.values())
    assert link.is_symlink() and (victim / "keep.txt").read_text() == "precious"


def _archive(tmp_path: Path) -> Path:
    src = tmp_path / "app"
    (src / "app" / "models").mkdir(parents=True)
    (src / "Gemfile").write_text("source 'https://rubygems.org'\ngem 'rails'\ngem 'ruby_llm'\n")
    for i in range(300):
        (src / "app" / "models" / f"m{i}.rb").write_text(
            f"class M{i}\n" + "".join(f"  def f{j}(x)\n    RubyLLM.chat.ask(x.to_s).content\n  end\n"
                                      for j in range(10)) + "end\n")
    archive = tmp_path / "app.tar.gz"
    with tarfile.open(archive, "w:gz") as tar:
        tar.add(src, arcname="app")
    return archive


def test_the_copy_of_a_sigkilled_grade_is_swept_by_the_next_grade(tmp_path, monkeypatch):
    archive, tmpdir = _archive(tmp_path), tmp_path / "tmp"
    tmpdir.mkdir()
    env = {**os.environ, "TMPDIR": str(tmpdir)}
    args = ["grade", str(archive), "-r", "rails-rubyllm-v1", "--no-runtime", "--no-judge"]
    proc = subprocess.Popen(GRADER + args + ["-o", str(tmp_path / "out1")], stderr=subprocess.PIPE, text=True,
                            stdout=subprocess.DEVNULL, env=env)
    for line in proc.stderr:
        if "static started" in line:
            break
    proc.send_signal(signal.SIGKILL)  # no `finally` runs
    proc.wait(timeout=60)
    proc.stderr.close()
    left = [p for p in tmpdir.iterdir() if p.name.startswith(TEMP_PREFIX)]
    assert [p.name.split("-")[2] for p in left] == [str(proc.pid)]
    then = time.time() - STALE_AFTER_S - 1  # as if it had been killed ten minutes ago
    os.utime(left[0], (then, then))
    monkeypatch.setattr(tempfile, "tempdir", str(tmpdir))
    with ingest(str(tmp_path / "app")):  # any later grade sweeps at its start, even of a folder
        assert not left[0].exists()


def test_the_lock_file_goes_with_the_run_and_still_excludes(tmp_path):
    out = tmp_path / "out"
    with locked_output_dir(out):
        assert (out / LOCK_NAME).is_file()
        with pytest.raises(OutputError, match="another grader run is writing to"):
            with locked_output_dir(out):
                pass
        (out / "report.json").write_text("{}")
    assert sorted(p.name for p in out.iterdir()) == ["report.json"]
    with locked_output_dir(out):  # a later run locks again
        assert (out / LOCK_NAME).is_file()
    assert not (out / LOCK_NAME).exists()


def test_a_run_that_opened_the_lock_just_before_it_was_removed_locks_the_new_file(tmp_path, monkeypatch):
    """A opens the lock file, B releases it (unlinking it), then A's flock succeeds on the orphan
    inode: A must notice and lock a file that is really there, so a third run is excluded."""
    import grader.report.output as output

    out = tmp_path / "out"
    out.mkdir()
    real_open = os.open
    opened: list[int] = []

    def open_then_release_first(path, flags, mode=0o777):
        fd = real_open(path, flags, mode)
        if str(path).endswith(LOCK_NAME) and not opened:
            opened.append(fd)
            os.unlink(path)  # what a releasing run does between our open and our flock
        return fd

    monkeypatch.setattr(output.os, "open", open_then_release_first)
    with locked_output_dir(out):
        monkeypatch.setattr(output.os, "open", real_open)
        assert (out / LOCK_NAME).is_file()
        with pytest.raises(OutputError, match="another grader run"):
            with locked_output_dir(out):
                pass


def test_an_interrupt_lost_in_a_finalizer_still_stops_the_grade(tmp_path):
    """SIGTERM whose handler runs inside a generator's finalizer: Python drops that KeyboardInterrupt
    (this is what made a SIGTERMed grade run on, now and then). The stop it requested is raised again
    at the static pass's next checkpoint, and nothing is printed as a traceback."""
    import io
    import sys

    from grader.commands.grade import terminate_like_interrupt
    from grader.core.budget import stop_requested
    from static_checks.engine import check_path

    repo = tmp_path / "repo"
    (repo / "app").mkdir(parents=True)
    (repo / "Gemfile").write_text("gem 'ruby_llm'\n")
    (repo / "app" / "chat.rb").write_text("class Chat\n  def go = RubyLLM.chat.ask('x')\nend\n")

    def signalled_while_closing():
        try:
            yield 1
        finally:
            os.kill(os.getpid(), signal.SIGTERM)
            for _ in range(1000):  # the handler runs here, inside the finalizer
                pass

    stderr, sys.stderr = sys.stderr, io.StringIO()
    try:
        with terminate_like_interrupt():
            closing = signalled_while_closing()
            next(closing)
            del closing  # the KeyboardInterrupt is raised inside the finalizer, and lost
            assert stop_requested()
            with pytest.raises(KeyboardInterrupt):
                check_path(repo, with_facts=True)
        printed = sys.stderr.getvalue()
    finally:
        sys.stderr = stderr
    assert "Traceback" not in printed
    assert not stop_requested()  # the request ends with the block
