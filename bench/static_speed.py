"""Static analysis time against bare tree-sitter parsing, and cold `grader check` time.

Usage: python bench/static_speed.py [--corpus DIR ...] [--repeat N]
The default corpus is Ruby's standard library from Debian's `ruby` package
(`apt-get install ruby` puts about 10 MB of .rb under /usr/lib/ruby). Goal: ratio <= 1.5.
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def default_corpus() -> list[Path]:
    # The stdlib, Debian's vendor_ruby and the bundled gems' own folders. The gems folder is
    # named directly: as a GEM_HOME (gems/ beside specifications/) discovery would skip it.
    roots = [*sorted(Path("/usr/lib/ruby").glob("3.*")), Path("/usr/lib/ruby/vendor_ruby"),
             *sorted(Path("/usr/lib/ruby/gems").glob("*/gems"))]
    return [r for r in roots if r.is_dir()]


def bare_parse_seconds(files: list[Path]) -> float:
    from static_checks.parsing import ruby_parser

    parser = ruby_parser()
    start = time.perf_counter()
    for f in files:
        parser.parse(f.read_bytes())
    return time.perf_counter() - start


def analysis_seconds(corpus: list[Path]) -> tuple[float, int, int]:
    from static_checks.engine import check_path

    start = time.perf_counter()
    reports = [check_path(root) for root in corpus]
    return (time.perf_counter() - start, sum(r.files_analyzed for r in reports),
            sum(len(r.findings) for r in reports))


def typical_app(dest: Path, n_files: int = 100) -> Path:
    """A Rails-shaped app of n_files Ruby/ERB files, built from the test corpus fixtures."""
    sources = [p for p in (ROOT / "tests").rglob("*") if p.suffix in (".rb", ".erb") and p.is_file()]
    if not sources:
        raise SystemExit("no fixture sources under tests/ to build a typical app from")
    (dest / "Gemfile").write_text('source "https://rubygems.org"\ngem "rails"\ngem "ruby_llm", "~> 1.6"\n')
    for i in range(n_files - 1):
        src = sources[i % len(sources)]
        sub = "app/views/pages" if src.suffix == ".erb" else "app/models"
        target = dest / sub / f"f{i}_{src.name}"
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(src, target)
    return dest


def cold_check_seconds(app: Path, repeat: int) -> list[float]:
    exe = Path(sys.executable).with_name("grader")
    cmd = [str(exe) if exe.exists() else "grader", "check", str(app), "--format", "json", "-o", "/dev/null"]
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        subprocess.run(cmd, check=False, capture_output=True)
        times.append(time.perf_counter() - start)
    return times


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--corpus", type=Path, nargs="+", default=default_corpus())
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args()
    if not args.corpus or not all(c.is_dir() for c in args.corpus):
        raise SystemExit("no corpus: apt-get install ruby, or pass --corpus DIR")
    from static_checks.sources import discover

    # The same files the analysis reads (discovery skips vendor/, links and oversized files).
    files = [f.path for root in args.corpus for f in discover(root).files]
    size_mb = sum(p.stat().st_size for p in files) / 1e6

    # Warm the OS cache and import everything once so both sides measure steady-state work.
    bare_parse_seconds(files)
    analysis_seconds(args.corpus)
    bare = min(bare_parse_seconds(files) for _ in range(args.repeat))
    runs = [analysis_seconds(args.corpus) for _ in range(args.repeat)]
    full = min(r[0] for r in runs)
    print(f"corpus: {', '.join(map(str, args.corpus))} ({len(files)} Ruby files, {size_mb:.1f} MB)")
    print(f"bare tree-sitter parse: {bare:.3f} s")
    print(f"static analysis (discover + parse + rules): {full:.3f} s, {runs[0][1]} files, {runs[0][2]} findings")
    print(f"ratio analysis / bare parse: {full / bare:.2f}  (goal <= 1.5)")

    with tempfile.TemporaryDirectory() as tmp:
        app = typical_app(Path(tmp))
        times = cold_check_seconds(app, max(args.repeat, 5))
        print(f"cold `grader check` on a 100-file app: median {statistics.median(times):.3f} s, "
              f"min {min(times):.3f} s over {len(times)} runs  (goal < 1 s)")


if __name__ == "__main__":
    main()
