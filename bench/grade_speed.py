"""Grading time per typical app (no runtime, no judge): pipeline alone and with the three reports,
then a grade-many run over all fixture apps with 1 and N jobs.

    python bench/grade_speed.py [--repeat 5] [--jobs 4]
"""

from __future__ import annotations

import argparse
import importlib.util
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from grader.batch import grade_many  # noqa: E402
from grader.pipeline import GradeOptions, grade_path, write_reports  # noqa: E402
from grader.rubric import load_rubric  # noqa: E402


def _fixture_apps():
    spec = importlib.util.spec_from_file_location("fixture_apps", ROOT / "tests/fixtures/apps/fixture_apps.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--repeat", type=int, default=5)
    ap.add_argument("--jobs", type=int, default=4)
    args = ap.parse_args()
    apps = _fixture_apps()
    opts = GradeOptions(runtime=False, judge=False)
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        repos = [apps.materialize(n, tmp / "apps") for n in apps.names()]
        files = sum(1 for p in repos[0].rglob("*") if p.is_file())
        print(f"{len(repos)} fixture apps (good_app: {files} files); median of {args.repeat} runs, after one warm-up")
        for rubric_name in ("rails-rubyllm-v1", "rails-rubyllm-v2"):
            rubric = load_rubric(rubric_name)
            grade_path(repos[0], rubric, opts)  # warm-up: imports, manifests, tree-sitter
            print(f"\n{rubric_name}: {'app':<28}{'grade ms':>10}{'+reports ms':>13}")
            all_grade, all_full = [], []
            for repo in repos:
                g, full = [], []
                for i in range(args.repeat):
                    t0 = time.perf_counter()
                    report = grade_path(repo, rubric, opts)
                    t1 = time.perf_counter()
                    write_reports(report, tmp / "out" / repo.name / str(i))
                    t2 = time.perf_counter()
                    g.append((t1 - t0) * 1000)
                    full.append((t2 - t0) * 1000)
                all_grade.append(statistics.median(g))
                all_full.append(statistics.median(full))
                print(f"  {repo.name:<28}{statistics.median(g):>10.0f}{statistics.median(full):>13.0f}")
            print(f"  {'median over apps':<28}"
                  f"{statistics.median(all_grade):>10.0f}{statistics.median(all_full):>13.0f}")
        rubric = load_rubric("rails-rubyllm-v2")
        for jobs in (1, args.jobs):
            t0 = time.perf_counter()
            board = grade_many([Path(r) for r in repos], rubric, tmp / f"many-{jobs}", opts, jobs=jobs)
            dt = time.perf_counter() - t0
            failed = sum(1 for r in board.rows if r.error)
            print(f"\ngrade-many {len(repos)} apps, --jobs {jobs}: {dt:.2f} s wall "
                  f"({dt / len(repos) * 1000:.0f} ms/app), "
                  f"{failed} failed")


if __name__ == "__main__":
    main()
