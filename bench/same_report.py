"""Same report bytes before and after a speed change: `grader check --format json` of several trees, run
from another git revision and from this working tree, compared byte for byte.

Usage: python bench/same_report.py [--before REV] [--jobs N ...] [--no-whole] [--keep DIR]

A change meant only to make the check faster must not change what it reports. The `before` side is
REV (default: main) exported with `git archive` into a temporary folder and run with the same Python
(its folder first on PYTHONPATH, so its modules and data win over this tree's); the `after` side is
this working tree as it stands (uncommitted edits included). Trees, each checked as one path:
- the ~20-app sample of bench/speed_sample.txt, hard-linked from the bench cache as static_speed.py does;
- Ruby's standard library folders (static_speed.stdlib_roots: several paths in one command);
- every folder of tests/corpus (one command, all of them as paths);
- the whole bench cache (`--no-whole` skips it).
Each command runs once per --jobs value (default: 1 and 2, since a parallel run must report what a
serial one does). Prints one line per tree and jobs: `same` or where the two reports first differ; exits
1 when any differs, so it can gate a change. A tree that is absent is skipped and said so.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "bench"))

from static_speed import _AS_INSTALLED, bench_cache, sample_tree, stdlib_roots  # noqa: E402


def export_rev(rev: str, dest: Path) -> None:
    """The files of `rev` under dest (no git metadata)."""
    archive = subprocess.run(["git", "-C", str(ROOT), "archive", "--format=tar", rev], capture_output=True, check=False)
    if archive.returncode != 0:
        raise SystemExit(f"git archive {rev}: {archive.stderr.decode().strip()}")
    tar_path = dest.with_suffix(".tar")
    tar_path.write_bytes(archive.stdout)
    with tarfile.open(tar_path) as tar:
        tar.extractall(dest, filter="data")
    tar_path.unlink()


def run_check(code_root: Path, paths: list[Path], jobs: str, out: Path) -> bytes:
    """The JSON report of `grader check PATHS` as the code under code_root writes it."""
    env = dict(_AS_INSTALLED, PYTHONPATH=str(code_root), LITELLM_LOCAL_MODEL_COST_MAP="True")
    out.unlink(missing_ok=True)
    cmd = [sys.executable, "-m", "grader.launch", "check", *map(str, paths), "--jobs", jobs, "--format", "json",
           "-o", str(out)]
    done = subprocess.run(cmd, capture_output=True, check=False, env=env, cwd=code_root)
    if done.returncode not in (0, 1) or not out.exists():
        raise SystemExit(f"{code_root}: check {paths[0]}... exited {done.returncode}: {done.stderr.decode()[-400:]}")
    return out.read_bytes()


def first_difference(before: bytes, after: bytes) -> str:
    a, b = before.split(b"\n"), after.split(b"\n")
    for i, (x, y) in enumerate(zip(a, b)):
        if x != y:
            return f"line {i + 1}: before {x[:160]!r}, after {y[:160]!r}"
    return f"lengths differ: {len(a)} lines before, {len(b)} after"


def trees(args: argparse.Namespace, work: Path) -> list[tuple[str, list[Path]]]:
    found: list[tuple[str, list[Path]]] = []
    apps = bench_cache() / "apps"
    if apps.is_dir():
        tree, used, _absent = sample_tree(apps, ROOT / "bench" / "speed_sample.txt", work)
        if used:
            found.append((f"sample ({len(used)} apps)", [tree]))
    else:
        print(f"skipped: the app sample and the whole cache ({apps} is absent)")
    stdlib = stdlib_roots()
    if stdlib:
        found.append(("ruby stdlib", stdlib))
    else:
        print("skipped: Ruby's standard library (apt-get install ruby)")
    corpus = sorted(p for p in (ROOT / "tests" / "corpus").iterdir() if p.is_dir())
    found.append((f"tests/corpus ({len(corpus)} folders)", corpus))
    if apps.is_dir() and not args.no_whole:
        found.append(("whole bench cache", [apps]))
    return found


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--before", default="main", help="git revision of the reference side (default: main)")
    ap.add_argument("--jobs", nargs="+", default=["1", "2"], help="--jobs values to run each tree with")
    ap.add_argument("--no-whole", action="store_true", help="skip the whole bench cache")
    ap.add_argument("--keep", type=Path, help="also write each report pair here (for a closer look)")
    args = ap.parse_args()
    differ = 0
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        before_root = work / "before"
        before_root.mkdir()
        export_rev(args.before, before_root)
        for label, paths in trees(args, work):
            for jobs in args.jobs:
                before = run_check(before_root, paths, jobs, work / "before.json")
                after = run_check(ROOT, paths, jobs, work / "after.json")
                if args.keep:
                    args.keep.mkdir(parents=True, exist_ok=True)
                    slug = "".join(c if c.isalnum() else "_" for c in label) + f"_j{jobs}"
                    (args.keep / f"{slug}.before.json").write_bytes(before)
                    (args.keep / f"{slug}.after.json").write_bytes(after)
                same = before == after
                differ += not same
                detail = f"same ({len(after)} bytes)" if same else f"DIFFERENT: {first_difference(before, after)}"
                print(f"{label}, --jobs {jobs}: {detail}", flush=True)
    print(f"before: {args.before}; after: the working tree {ROOT}" + ("" if differ else "; every report the same"))
    return 1 if differ else 0


if __name__ == "__main__":
    os.environ.setdefault("LITELLM_LOCAL_MODEL_COST_MAP", "True")
    sys.exit(main())
