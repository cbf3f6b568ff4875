"""Bounded load on the grading service over loopback; prints throughput and API latency.

    .venv/bin/python bench/service_load.py [--jobs 200] [--workers 2] [--queued 50] [--requests 400]

Phase 1: a server with no worker holds `--queued` jobs queued; `--requests` API calls (job status, job list,
leaderboard, submission) measure latency p50/p95 against that queue.
Phase 2: a server with `--workers` in-process workers grades `--jobs` submissions of the small fixture apps
(tests/fixtures/apps, runtime off; the judge, one sample per criterion, calls the judge tests' OpenAI-compatible
fake on loopback unless --no-judge); prints jobs/min, the API latency while they run, and checks from the
attempt log that no job was lost and none ran twice.
Everything runs on 127.0.0.1 with a throw-away SQLite data directory.
"""

from __future__ import annotations

import argparse
import importlib.util
import io
import multiprocessing
import os
import sqlite3
import statistics
import sys
import tarfile
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
RUBRIC = "rails-rubyllm-v2"


def _serve(data_dir: str, workers: int, conn) -> None:
    os.environ["GRADER_DATA_DIR"] = data_dir
    os.environ["GRADER_MAX_ACTIVE_JOBS"] = "100000"
    os.environ.setdefault("LITELLM_LOCAL_MODEL_COST_MAP", "True")
    import asyncio

    import uvicorn

    from grader.service.app import create_app

    server = uvicorn.Server(uvicorn.Config(create_app(workers=workers), host="127.0.0.1", port=0, log_level="error"))

    async def run():
        task = asyncio.create_task(server.serve())
        while not server.started:
            await asyncio.sleep(0.02)
        conn.send(server.servers[0].sockets[0].getsockname()[1])
        await task

    asyncio.run(run())


class Server:
    def __init__(self, data_dir: str, workers: int):
        ctx = multiprocessing.get_context("spawn")
        parent, child = ctx.Pipe()
        # Not a daemon: the server starts its own worker processes.
        self.proc = ctx.Process(target=_serve, args=(data_dir, workers, child))
        self.proc.start()
        if not parent.poll(60):
            raise SystemExit("the server did not start within 60 s")
        self.url = f"http://127.0.0.1:{parent.recv()}"

    def stop(self) -> None:
        self.proc.terminate()
        self.proc.join(10)


def fixture_archives(workdir: Path) -> list[tuple[str, bytes]]:
    spec = importlib.util.spec_from_file_location("fixture_apps", ROOT / "tests/fixtures/apps/fixture_apps.py")
    apps = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(apps)
    out = []
    for name in apps.names():
        repo = apps.materialize(name, workdir)
        buf = io.BytesIO()
        with tarfile.open(fileobj=buf, mode="w:gz") as tar:
            tar.add(repo, arcname=name)
        out.append((f"{name}.tar.gz", buf.getvalue()))
    return out


FORM = {"rubric": RUBRIC, "runtime": "false"}


def start_fake_judge():
    """The judge tests' loopback OpenAI-compatible server, answering every criterion with a cited score."""
    spec = importlib.util.spec_from_file_location("fake_llm", ROOT / "tests/judge/fake_llm.py")
    fake = importlib.util.module_from_spec(spec)
    sys.modules["fake_llm"] = fake
    spec.loader.exec_module(fake)
    server = fake.FakeLLM().start()
    server.script = lambda req, n: fake.Reply(answer=fake.good_answer(req, 1))
    return server


def submit(client, archive: tuple[str, bytes]) -> str:
    r = client.post("/api/v1/jobs", files={"archive": archive}, data=FORM)
    if r.status_code != 202:
        raise SystemExit(f"submission refused: {r.status_code} {r.text[:200]}")
    return r.json()["id"]


def measure(client, ids: list[str], archive, requests: int) -> dict[str, list[float]]:
    """A mix of reads and a few submissions; returns latencies (ms) per kind."""
    kinds = {"GET /jobs/{id}": [], "GET /jobs?limit=50": [], "GET /leaderboard": [], "POST /jobs": []}
    for i in range(requests):
        if i % 10 == 9:
            kind, call = "POST /jobs", (lambda: submit(client, archive))
        elif i % 5 == 4:
            kind, call = "GET /jobs?limit=50", (lambda: client.get("/api/v1/jobs", params={"limit": 50}))
        elif i % 7 == 6:
            kind, call = "GET /leaderboard", (lambda: client.get("/api/v1/leaderboard", params={"rubric": RUBRIC}))
        else:
            kind, call = "GET /jobs/{id}", (lambda: client.get(f"/api/v1/jobs/{ids[i % len(ids)]}"))
        started = time.perf_counter()
        result = call()
        kinds[kind].append((time.perf_counter() - started) * 1000)
        if hasattr(result, "status_code") and result.status_code != 200:
            raise SystemExit(f"{kind} answered {result.status_code}: {result.text[:200]}")
    return kinds


def pct(values: list[float], q: float) -> float:
    return statistics.quantiles(values, n=100, method="inclusive")[q - 1] if len(values) > 1 else values[0]


def print_latency(title: str, kinds: dict[str, list[float]]) -> None:
    every = [v for vs in kinds.values() for v in vs]
    print(f"{title}: {len(every)} requests, p50 {pct(every, 50):.1f} ms, p95 {pct(every, 95):.1f} ms")
    for kind, vs in kinds.items():
        if vs:
            print(f"    {kind:<20} n={len(vs):<4} p50 {pct(vs, 50):6.1f} ms  p95 {pct(vs, 95):6.1f} ms")


def attempt_log(db: Path, ids: list[str]) -> tuple[dict[str, str], list[str]]:
    conn = sqlite3.connect(db)
    status = dict(conn.execute("SELECT id, status FROM jobs"))
    problems = []
    for job_id in ids:
        runs = conn.execute("SELECT started_at, ended_at, outcome FROM job_attempts WHERE job_id=? ORDER BY started_at",
                            (job_id,)).fetchall()
        if [r[2] for r in runs].count("done") != 1:
            problems.append(f"{job_id}: {len(runs)} runs, outcomes {[r[2] for r in runs]}")
        for a, b in zip(runs, runs[1:]):
            if a[1] is None or a[1] > b[0]:
                problems.append(f"{job_id}: runs overlap")
    conn.close()
    return status, problems


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--jobs", type=int, default=200)
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--queued", type=int, default=50)
    ap.add_argument("--requests", type=int, default=400)
    ap.add_argument("--no-judge", action="store_true", help="grade without the judge stage")
    args = ap.parse_args()
    import httpx

    from grader.service.db import upgrade

    with tempfile.TemporaryDirectory(prefix="grader-service-load-") as tmp:
        archives = fixture_archives(Path(tmp) / "apps")
        print(f"{len(archives)} fixture apps, {min(len(a[1]) for a in archives)}-{max(len(a[1]) for a in archives)} "
              f"bytes each as .tar.gz; python {sys.version.split()[0]}, {os.cpu_count()} CPUs")

        # Phase 1: latency with a standing queue.
        data1 = str(Path(tmp) / "queued")
        upgrade(f"sqlite:///{data1}/grader.db")
        server = Server(data1, workers=0)
        try:
            with httpx.Client(base_url=server.url, timeout=60) as client:
                ids = [submit(client, archives[i % len(archives)]) for i in range(args.queued)]
                measure(client, ids, archives[0], 20)  # warm-up
                kinds = measure(client, ids, archives[0], args.requests)
                queued = client.get("/api/v1/jobs", params={"status": "queued", "limit": 1}).json()["total"]
        finally:
            server.stop()
        print_latency(f"API with {args.queued}+ jobs queued (ended with {queued} queued)", kinds)

        # Phase 2: throughput.
        judge = None
        if not args.no_judge:
            judge = start_fake_judge()
            os.environ.update(GRADER_JUDGE_API_BASE=judge.base, GRADER_JUDGE_CACHE=str(Path(tmp) / "judge.sqlite3"))
            FORM.update(judge_models="openai/fake-judge", samples="1")
        data2 = str(Path(tmp) / "run")
        upgrade(f"sqlite:///{data2}/grader.db")
        server = Server(data2, workers=args.workers)
        try:
            with httpx.Client(base_url=server.url, timeout=60) as client:
                started = time.perf_counter()
                ids = [submit(client, archives[i % len(archives)]) for i in range(args.jobs)]
                submitted = time.perf_counter() - started
                during = measure(client, ids, archives[0], max(50, args.requests // 4))
                ids += [j["id"] for j in client.get("/api/v1/jobs", params={"limit": 200}).json()["jobs"]
                        if j["id"] not in set(ids)]
                while True:
                    active = sum(client.get("/api/v1/jobs", params={"status": s, "limit": 1}).json()["total"]
                                 for s in ("queued", "running"))
                    if active == 0:
                        break
                    time.sleep(0.5)
                elapsed = time.perf_counter() - started
        finally:
            server.stop()
            if judge is not None:
                judge.stop()
        status, problems = attempt_log(Path(data2) / "grader.db", ids)
        counts: dict[str, int] = {}
        for s in status.values():
            counts[s] = counts.get(s, 0) + 1
        print(f"throughput: {len(status)} jobs ({args.jobs} + {len(status) - args.jobs} from the latency mix) in "
              f"{elapsed:.1f} s with {args.workers} workers = {len(status) / elapsed * 60:.0f} jobs/min "
              f"(submitting {args.jobs} took {submitted:.1f} s; judge: "
              f"{'off' if judge is None else f'{judge.calls} calls to the loopback fake'})")
        print_latency("API while they were graded", during)
        print(f"final statuses: {counts}; lost: {len(set(ids) - set(status))}; "
              f"run twice or overlapping: {len(problems)}")
        for p in problems[:10]:
            print("   ", p)
        return 1 if problems or counts.get("done", 0) != len(status) else 0


if __name__ == "__main__":
    sys.exit(main())
