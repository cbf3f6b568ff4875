"""What the runtime stage costs on top of Docker itself, and how it scales with parallel jobs.

    python bench/runtime_overhead.py [--base-image grader-base:bookworm] [--repeat 3] [--jobs 4]

1. Overhead: the grader's wall time on tests/fixtures/runtime/rack_green against the same docker
   work done bare through the SDK (build the same test image from the same context, boot the app
   and poll it with the same in-container probe, run the suite, run rubocop, remove everything),
   without our labels, parsing or report (the grader runs its steps one by one here, like the bare
   sequence; its default runs tests and gates side by side, printed apart). Goal: overhead <= 10%.
   The repo-Dockerfile build is off in both (its base image is not available offline).
2. Jobs: wall time of the runtime stage on N fixtures one after another, then in N worker
   processes (the way `grader grade --jobs N` runs repos).
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "tests" / "fixtures" / "runtime"
JOB_FIXTURES = ["rack_green", "rack_failing", "rack_network", "rack_orphan", "rack_boot_crash", "rails_chat"]


def grader_once(repo: Path, base_image: str, parallel_steps: int = 2) -> float:
    from grader.runtime import RuntimeOptions, StepStatus, run_runtime

    started = time.perf_counter()
    report = run_runtime(repo, RuntimeOptions(base_image=base_image, build_repo_dockerfile=False,
                                              parallel_steps=parallel_steps))
    elapsed = time.perf_counter() - started
    if report.status is not StepStatus.ok:
        sys.exit(f"grader run did not complete: {report.status} {report.skipped_reason}")
    return elapsed


def bare_sequence(repo: Path, base_image: str, sandboxed: bool) -> float:
    """The same engine work with plain SDK calls. sandboxed=True passes the same container options
    the grader uses (network none, uid 1000, memory/CPU/pids limits, init), so the difference is the
    grader's own orchestration; sandboxed=False shows what the sandbox itself costs."""
    import docker

    from grader.runtime.context import DOCKERFILE_NAME, build_context
    from grader.runtime.options import Limits
    from grader.runtime.probe import probe_command
    from grader.runtime.profiles import select_profile

    profile = select_profile(repo)
    limits = Limits()
    opts = dict(network_mode="none", user=limits.user, mem_limit=limits.memory, nano_cpus=int(limits.cpus * 1e9),
                pids_limit=limits.pids, init=True, cap_drop=["ALL"]) if sandboxed else {}
    client = docker.from_env(version="auto")
    started = time.perf_counter()
    with build_context(repo, profile.render_dockerfile(base_image, repo)) as context:
        image, _ = client.images.build(fileobj=context, custom_context=True, dockerfile=DOCKERFILE_NAME,
                                       tag="bench-bare:test", rm=True,
                                       network_mode="none" if sandboxed else None)
    app = client.containers.run(image.id, profile.boot.command, detach=True, **opts)
    while app.exec_run(probe_command(profile.boot.port, profile.boot.path, 15.0)).exit_code != 0:
        time.sleep(0.25)
    app.remove(force=True)
    for command in (profile.tests.command, ["rubocop", "--format", "json"]):
        box = client.containers.run(image.id, command, detach=True, **opts)
        box.wait()
        box.logs()
        box.remove(force=True)
    client.images.remove(image.id, force=True)
    elapsed = time.perf_counter() - started
    client.close()
    return elapsed


def overhead(base_image: str, repeat: int) -> None:
    repo = FIXTURES / "rack_green"
    grader_once(repo, base_image)  # warm-up: page cache, interpreter imports
    plain, bare, ours, par = [], [], [], []
    for _ in range(repeat):  # interleaved so drift in the machine hits all alike
        plain.append(bare_sequence(repo, base_image, sandboxed=False))
        bare.append(bare_sequence(repo, base_image, sandboxed=True))
        ours.append(grader_once(repo, base_image, parallel_steps=1))  # same sequence as bare
        par.append(grader_once(repo, base_image, parallel_steps=2))
    p, b, g, q = statistics.median(plain), statistics.median(bare), statistics.median(ours), statistics.median(par)
    runs = lambda xs: ", ".join(f"{x:.2f}" for x in xs)  # noqa: E731
    print(f"overhead on {repo.name} (median of {repeat}):")
    print(f"  bare SDK, docker defaults        {p:6.2f} s   runs: {runs(plain)}")
    print(f"  bare SDK, same sandbox options   {b:6.2f} s   runs: {runs(bare)}")
    print(f"  grader, steps one by one         {g:6.2f} s   runs: {runs(ours)}")
    print(f"  grader overhead vs same commands {100 * (g - b) / b:+6.1f} %   (goal <= 10%)")
    print(f"  sandbox options vs defaults      {100 * (b - p) / p:+6.1f} %")
    print(f"  grader, tests+gates side by side {q:6.2f} s   runs: {runs(par)}   (default parallel_steps=2)")


def jobs(base_image: str, n: int) -> None:
    repos = [FIXTURES / name for name in (JOB_FIXTURES * n)[:n]]
    started = time.perf_counter()
    for repo in repos:
        grader_once(repo, base_image)
    sequential = time.perf_counter() - started
    started = time.perf_counter()
    with ProcessPoolExecutor(max_workers=n) as pool:  # as `grader grade --jobs N` does (grader/batch.py)
        list(pool.map(grader_once, repos, [base_image] * n))
    parallel = time.perf_counter() - started
    print(f"grading {n} fixtures ({', '.join(r.name for r in repos)}):")
    print(f"  --jobs 1  {sequential:6.2f} s")
    print(f"  --jobs {n}  {parallel:6.2f} s   speed-up x{sequential / parallel:.2f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--base-image", default="grader-base:bookworm")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--jobs", type=int, default=4)
    args = parser.parse_args()
    overhead(args.base_image, args.repeat)
    jobs(args.base_image, args.jobs)


if __name__ == "__main__":
    main()
