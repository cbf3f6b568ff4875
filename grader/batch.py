"""Grade a folder of repositories in parallel and rank them. No repo is ever dropped: one that
fails to grade is a leaderboard row carrying its error.

Each repo is graded in its own worker process, so a worker that dies (killed, out of memory, a
crash in native code) takes only its own repo with it: that repo is tried once more (the kill may
have come from outside), then listed with the error, and every other repo completes.
"""

from __future__ import annotations

import multiprocessing
import os
import re
import shutil
import signal
import sys
import tempfile
import threading
from concurrent.futures import FIRST_COMPLETED, ThreadPoolExecutor, wait
from pathlib import Path

from grader.ingest import ARCHIVE_SUFFIXES
from grader.pipeline import GradeOptions, grade
from grader.report.leaderboard import DimHead, Leaderboard, LeaderRow, row_from_report, write_leaderboard
from grader.report.names import display_name
from grader.rubric import Rubric

ATTEMPTS = 2  # a repo whose worker died is graded once more before it is recorded as failed

# Worker processes running now, so an interrupt of the parent stops them (their cleanup runs).
_WORKERS: set[multiprocessing.process.BaseProcess] = set()
_WORKERS_LOCK = threading.Lock()
_STOPPING = threading.Event()


def discover_repos(folder: Path, skipped: list[str] | None = None) -> list[Path]:
    """Sub-folders and archives directly inside `folder` (not hidden), by name. A link is followed
    when it points inside `folder`; one that points outside is skipped, and said so in `skipped`."""
    root = Path(folder).resolve()
    out = []
    for entry in sorted(Path(folder).iterdir()):
        if entry.name.startswith("."):
            continue
        if entry.is_symlink():
            target = entry.resolve()
            if target == root or root not in target.parents:
                if skipped is not None:
                    skipped.append(f"{entry.name}: a link to outside {folder}, not followed")
                continue
        if entry.is_dir() or (entry.is_file() and entry.name.lower().endswith(ARCHIVE_SUFFIXES)):
            out.append(entry)
    return out


def _slug(name: str) -> str:
    return re.sub(r"[^A-Za-z0-9._-]+", "_", display_name(name)).strip("._") or "repo"


def _out_names(repos: list[Path]) -> list[str]:
    seen: dict[str, int] = {}
    names = []
    for repo in repos:
        base = _slug(repo.name)
        n = seen.get(base, 0)
        seen[base] = n + 1
        names.append(base if n == 0 else f"{base}-{n + 1}")
    return names


def grade_one(source: str, name: str, rubric: Rubric, out_dir: str, options: GradeOptions) -> LeaderRow:
    """Grade one repo into out_dir/name. Never raises: an error becomes the row's error."""
    try:
        report = grade(source, rubric, Path(out_dir) / name, options)
    except Exception as exc:  # noqa: BLE001 - the leaderboard lists it with its error
        return LeaderRow(name=name, source=source, error=f"{type(exc).__name__}: {' '.join(str(exc).split())}"[:400])
    return row_from_report(report, name, source)


def _worker_main(conn, scratch: str, source: str, name: str, rubric: Rubric, out_dir: str,
                 options: GradeOptions) -> None:
    """In the worker process: temp files go to `scratch` (the parent removes it however the worker
    ends, even by SIGKILL), SIGTERM unwinds like Ctrl-C, and the row goes back through the pipe.

    A stop must end as the row 'interrupted' wherever it lands: the parent forks with SIGTERM/SIGINT
    blocked, so one sent at once waits until our handler is in place (the inherited parent handler
    would raise outside the try and print a traceback); one that lands in a finalizer is not printed
    and still counts once the grade returns; the signals are disarmed before the try ends, and the
    first stop disarms both, so a later one (Ctrl-C to the group, then the parent's SIGTERM) cannot
    interrupt the row on its way out."""
    from grader.core.budget import quiet_lost_interrupts, request_stop, stop_requested

    def on_term(signum, frame):
        _disarm_stops()
        request_stop()  # raised again at the next checkpoint if this one is lost in a finalizer
        raise KeyboardInterrupt(f"signal {signum}")

    for sig in _STOP_SIGNALS:
        signal.signal(sig, on_term)
    quiet_lost_interrupts()
    try:
        signal.pthread_sigmask(signal.SIG_UNBLOCK, _STOP_SIGNALS)
        os.environ["TMPDIR"] = scratch
        tempfile.tempdir = scratch
        row = grade_one(source, name, rubric, out_dir, options)
        if stop_requested():  # lost in a finalizer after the grade's last checkpoint
            raise KeyboardInterrupt("stop requested")
        _disarm_stops()  # still inside the try: a stop landing up to here is caught below
    except KeyboardInterrupt:
        row = LeaderRow(name=name, source=source, error="interrupted")
    _disarm_stops()
    try:
        conn.send(row.model_dump(mode="json"))
        conn.close()
    except (OSError, KeyboardInterrupt):  # the parent is gone or stopped listening: it records the death
        pass


_STOP_SIGNALS = {signal.SIGTERM, signal.SIGINT}


def _disarm_stops() -> None:
    for sig in _STOP_SIGNALS:
        signal.signal(sig, signal.SIG_IGN)


def _death(exitcode: int | None) -> str:
    if exitcode is not None and exitcode < 0:
        try:
            return f"killed by {signal.Signals(-exitcode).name}"
        except ValueError:
            return f"killed by signal {-exitcode}"
    return f"exited with code {exitcode} without a result"


def _graded_in_own_process(source: str, name: str, rubric: Rubric, out_dir: str, options: GradeOptions) -> LeaderRow:
    ctx = multiprocessing.get_context("fork")
    deaths = []
    for _ in range(ATTEMPTS):
        with _WORKERS_LOCK:  # no worker starts once stop_workers ran
            if _STOPPING.is_set():
                break
            receive, send = ctx.Pipe(duplex=False)
            scratch = tempfile.mkdtemp(prefix="grader-worker-")
            proc = ctx.Process(target=_worker_main, args=(send, scratch, source, name, rubric, out_dir, options),
                               name=f"grader-worker-{name}", daemon=False)
            # Blocked across the fork: the child unblocks them once its own handler is set.
            blocked = signal.pthread_sigmask(signal.SIG_BLOCK, _STOP_SIGNALS)
            try:
                proc.start()
            finally:
                signal.pthread_sigmask(signal.SIG_SETMASK, blocked)
            _WORKERS.add(proc)
        send.close()
        try:
            data = receive.recv()
        except EOFError:  # the worker died before it sent its row
            data = None
        finally:
            receive.close()
            proc.join()
            with _WORKERS_LOCK:
                _WORKERS.discard(proc)
            shutil.rmtree(scratch, ignore_errors=True)  # e.g. the ingest copy of a killed worker
        if data is not None:
            return LeaderRow.model_validate(data)
        deaths.append(_death(proc.exitcode))
    if not deaths:
        return LeaderRow(name=name, source=source, error="interrupted")
    return LeaderRow(name=name, source=source,
                     error=f"worker process died while grading this repo ({'; then '.join(deaths)})")


def stop_workers() -> None:
    """Ask every running worker to stop (SIGTERM: it cleans up and reports 'interrupted')."""
    with _WORKERS_LOCK:
        _STOPPING.set()
        procs = list(_WORKERS)
    for proc in procs:
        if proc.is_alive():
            proc.terminate()


def default_jobs() -> int:
    return max(1, min(8, os.cpu_count() or 1))


def grade_many(repos: list[Path], rubric: Rubric, out_dir: Path, options: GradeOptions | None = None,
               jobs: int = 0, progress: bool = False) -> Leaderboard:
    options = options or GradeOptions()
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    jobs = jobs or default_jobs()
    names = _out_names(repos)
    work = [(str(repo), name) for repo, name in zip(repos, names)]
    rows: dict[str, LeaderRow] = {}
    _STOPPING.clear()
    report = _progress(progress, len(work))
    with ThreadPoolExecutor(max_workers=max(1, min(jobs, len(work))), thread_name_prefix="grader-batch") as pool:
        futures = {pool.submit(_graded_in_own_process, source, name, rubric, str(out_dir), options): name
                   for source, name in work}
        try:
            for fut in _completed(futures):
                row = fut.result()
                rows[row.name] = row
                report(row)
        except BaseException:
            for fut in futures:
                fut.cancel()
            stop_workers()
            raise
    board = Leaderboard(rubric=rubric.id, rubric_title=rubric.title, max_total=rubric.max_total,
                        tie_gap=rubric.tie_gap, rows=[rows[n] for _, n in work],
                        dimensions=[DimHead(id=d.id, title=d.title, max=d.max) for d in rubric.dimensions])
    board.sort()
    write_leaderboard(board, out_dir)
    return board


def _completed(futures):
    """Futures as they finish, like as_completed, but the wait is sliced so that a Ctrl-C/SIGTERM
    whose KeyboardInterrupt was lost in a finalizer still stops the run (grader.core.budget)."""
    from grader.core.budget import stop_requested

    pending = set(futures)
    while pending:
        done, pending = wait(pending, timeout=0.5, return_when=FIRST_COMPLETED)
        yield from done
        if stop_requested():
            raise KeyboardInterrupt("stop requested")


def _progress(enabled: bool, total: int):
    """A line per graded repo on stderr (names made safe for a terminal)."""
    from grader.report.escape import terminal_text

    done = 0
    lock = threading.Lock()

    def report(row: LeaderRow) -> None:
        nonlocal done
        if not enabled:
            return
        with lock:
            done += 1
            what = f"failed: {row.error}" if row.error else f"{row.total:g}/{row.max_total:g}, tier {row.tier}"
            if row.stage_problems:  # a stage that did not run in full is named here too, not only on the board
                what += f" ({'; '.join(row.stage_problems)})"
            print(terminal_text(f"[{done}/{total}] {row.name}: {what}"), file=sys.stderr, flush=True)

    return report
