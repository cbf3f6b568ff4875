"""Where the wall time of one `grader check` goes: its serial phases, and what each worker did.

Usage: python bench/static_phases.py [PATH] [--repeat N] [--jobs N]

PATH defaults to the ~20-app sample of bench/speed_sample.txt, hard-linked from the bench cache as
bench/static_speed.py makes it. Each run is a fresh process (`grader check PATH --format json -o FILE`)
whose main process and forked workers log, at each step, their wall time since start, their own CPU time
(user + system) and their minor page faults; the run with the least main-process CPU of N is printed:
- the main process: start-up (interpreter and imports), settings, discovery, the first root (checked
  here before forking: it loads the modules, data and queries every worker then shares), the wait for
  the workers, then merging and writing the report. Its CPU before the fork is the serial part: no
  worker runs meanwhile, so it adds to the wall time whatever the cores;
- each worker: the roots it checked, with each root's Ruby bytes and CPU, and when it finished. A
  worker that ends well after the other waited on one big root (a straggler);
- the parallel part: from the fork to the last worker's answer.
CPU times are the steady figures on a busy machine; wall times need a quiet one (the load is printed).
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "bench"))

from static_speed import _AS_INSTALLED, bench_cache, sample_tree  # noqa: E402

# Run inside the checked process: wraps the steps of a check and logs "pid wall cpu faults event".
PROBE = r"""
import os, resource, sys, time
T0 = time.perf_counter()
LOG = open(sys.argv.pop(1), "a", buffering=1)


def log(event):
    use = resource.getrusage(resource.RUSAGE_SELF)
    LOG.write(f"{os.getpid()}\t{time.perf_counter() - T0:.4f}\t{use.ru_utime + use.ru_stime:.4f}\t{use.ru_minflt}\t"
              f"{event}\n")


log("started")
sys.argv[0] = "grader"
from grader.launch import check_request
request = check_request(sys.argv[1:])
import grader.commands.check as command
import static_checks.engine as engine
import static_checks.forked as forked
import static_checks.owner as owner
import static_checks.root_pool as root_pool
log("imported")


def wrapped(module, name, label):
    real = getattr(module, name)

    def step(*args, **kwargs):
        log(f"> {label}")
        try:
            return real(*args, **kwargs)
        finally:
            log(f"< {label}")

    setattr(module, name, step)


wrapped(engine, "discover", "discovery")
wrapped(forked, "forked_map", "workers")
wrapped(root_pool, "_merged", "merge")
wrapped(command, "_emit", "output")
real_unit = root_pool.check_unit


def unit(shared, i):
    u = shared[1][i]
    log(f"> root {u.size()} {u.name}")
    try:
        return real_unit(shared, i)
    finally:
        log(f"< root {u.size()} {u.name}")


root_pool.check_unit = unit
real_config = owner.check_as_owner


def as_owner(*args, **kwargs):
    log("> owner")
    return real_config(*args, **kwargs)


owner.check_as_owner = as_owner
code = command.run_check(request)
log("done")
sys.exit(code)
"""


def run_once(path: Path, jobs: str | None, work: Path) -> list[tuple[int, float, float, int, str]]:
    log, report = work / "phases.log", work / "report.json"
    log.unlink(missing_ok=True)
    cmd = [sys.executable, "-c", PROBE, str(log), "check", str(path), "--format", "json", "-o", str(report)]
    if jobs:
        cmd += ["--jobs", jobs]
    env = dict(_AS_INSTALLED, LITELLM_LOCAL_MODEL_COST_MAP="True")
    done = subprocess.run(cmd, capture_output=True, check=False, env=env, cwd=ROOT)
    if done.returncode not in (0, 1) or not report.exists():
        raise SystemExit(f"check exited {done.returncode}: {done.stderr.decode()[-600:]}")
    rows = []
    for line in log.read_text(encoding="utf-8").splitlines():
        pid, wall, cpu, faults, event = line.split("\t", 4)
        rows.append((int(pid), float(wall), float(cpu), int(faults), event))
    return rows


def _main_cpu(rows) -> float:
    main = rows[0][0]
    return max(r[2] for r in rows if r[0] == main)


def show(rows) -> None:
    main = rows[0][0]
    mine = [r for r in rows if r[0] == main]
    at = {event: (wall, cpu, faults) for _pid, wall, cpu, faults, event in mine}

    def span(label: str, start: str, end: str) -> None:
        if start in at and end in at:
            (w0, c0, f0), (w1, c1, f1) = at[start], at[end]
            print(f"  {label:<44} wall {w1 - w0:6.3f} s  CPU {c1 - c0:6.3f} s  faults {f1 - f0:6d}")

    print("main process (serial until the fork):")
    print(f"  {'interpreter start':<44} CPU {at['started'][1]:6.3f} s  faults {at['started'][2]:6d}")
    span("imports of the check command", "started", "imported")
    span("settings, ingest (to discovery)", "imported", "> discovery")
    span("discovery", "> discovery", "< discovery")
    firsts = [e for e in at if e.startswith("> root ")]
    if firsts and "> workers" in at:
        first = firsts[0]
        size, name = first[7:].split(" ", 1)
        span(f"first root, here ({int(size) / 1e3:.0f} kB)", first, "< " + first[2:])
        span("waiting for the workers (parallel part)", "> workers", "< workers")
        span("merge", "> merge", "< merge")
        span("rest, to the output", "< merge", "> output")
    else:
        span("checked here (no workers: one app, or little code)", "< discovery", "> output")
    span("output", "> output", "< output")
    span("whole run", "started", "done")
    workers = sorted({r[0] for r in rows} - {main})
    if not workers:
        return
    fork_wall = at["> workers"][0]
    print("workers (wall from the fork):")
    for pid in workers:
        theirs = [r for r in rows if r[0] == pid]
        roots, started = [], {}
        for _pid, wall, cpu, _faults, event in theirs:
            if event.startswith("> root "):
                started[event[7:]] = cpu
            elif event.startswith("< root "):
                size, name = event[7:].split(" ", 1)
                roots.append((name, int(size), cpu - started.pop(event[7:], 0.0)))
        end_wall, end_cpu, end_faults = theirs[-1][1], theirs[-1][2], theirs[-1][3]
        big = max(roots, key=lambda r: r[2]) if roots else ("-", 0, 0.0)
        ruby_mb = sum(r[1] for r in roots) / 1e6
        print(f"  worker {pid}: {len(roots)} roots, {ruby_mb:.2f} MB of Ruby, CPU {end_cpu:.3f} s,"
              f" faults {end_faults}, done {end_wall - fork_wall:.3f} s after the fork; costliest root {big[0]} "
              f"({big[1] / 1e3:.0f} kB, CPU {big[2]:.3f} s)")
    print(f"  (the fork came {fork_wall:.3f} s after the start; a worker's faults include those of its copy of"
          f" the main process's pages it wrote to)")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("path", nargs="?", type=Path, help="the tree to check (default: the ~20-app sample)")
    ap.add_argument("--repeat", type=int, default=5, help="runs; the one with the least main-process CPU is shown")
    ap.add_argument("--jobs", help="--jobs of the check (default: its own choice)")
    args = ap.parse_args()
    print(f"cores: {os.cpu_count()}, load average: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        path = args.path
        if path is None:
            apps = bench_cache() / "apps"
            if not apps.is_dir():
                raise SystemExit(f"no bench cache at {apps}: pass a PATH (or fill it with bench/static_speed.py)")
            path, used, _absent = sample_tree(apps, ROOT / "bench" / "speed_sample.txt", work)
            print(f"the {len(used)} apps of bench/speed_sample.txt")
        run_once(path, args.jobs, work)  # warm the OS file cache and the bytecode cache
        runs = [run_once(path, args.jobs, work) for _ in range(max(1, args.repeat))]
        best = min(runs, key=_main_cpu)
        print(f"run with the least main-process CPU of {len(runs)}:")
        show(best)


if __name__ == "__main__":
    main()
