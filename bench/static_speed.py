"""Whole `grader check` process against a bare tree-sitter parse of the same files, both in fresh processes.

Usage: python bench/static_speed.py [--apps DIR] [--mirrors DIR] [--stdlib DIR ...] [--repeat N]

Two trees, each measured as two fresh processes run one after the other, N times (median and min):
- bare parse: `python` importing tree_sitter and parsing every file the check reads (Ruby files with
  tree-sitter-ruby; ERB templates with tree-sitter-embedded-template, then their code ranges with Ruby);
- whole command: `grader check PATH... --format json -o FILE` (start-up, imports, manifest load,
  discovery, parsing, rules, output).
Trees: (a) real Rails apps that use RubyLLM, in a bench cache outside the repo ($GRADER_BENCH_CACHE,
default ~/.cache/grader/bench/apps), filled from bare git mirrors (--mirrors, default /work/.mirror:
one `OWNER+NAME/repo` git dir per app; gems, i.e. a top-level *.gemspec, are left out). Measured twice:
the goal's "~20 real apps", the apps named in --sample (default bench/speed_sample.txt: 20 picked once by
a hash of their names, kept as a list so the tree stays the same while the cache grows; `--sample none`
skips it), then the whole cache (`--no-whole` skips it);
(b) Ruby's standard library (`apt-get install ruby`). A tree that is absent is skipped and said so.
A whole-command run counts only when it wrote its JSON report: a crash (which also exits 1) stops the bench.
Last, the cold `grader check` of one small real app and of an empty folder (start-up alone). Goals: ratio
<= 1.5, single app < 0.5 s, empty folder <= 0.1 s.
Wall time is the goal's measure; CPU time (user + system of the process and its workers) is printed
beside it, with its own ratio, because it is steadier on a shared machine and shows what the parallel
pass costs in total: with N free cores the whole command's wall time approaches start-up + CPU / N.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

# Reads a file list (one path a line, then a tab and "ruby" or "erb") and parses every file.
BARE_PARSE = r"""
import sys
import tree_sitter as ts
import tree_sitter_embedded_template as tset
import tree_sitter_ruby as tsr

ruby = ts.Parser(ts.Language(tsr.language()))
erb = ts.Parser(ts.Language(tset.language()))
for line in open(sys.argv[1], encoding="utf-8"):
    path, kind = line.rstrip("\n").rsplit("\t", 1)
    with open(path, "rb") as fh:
        data = fh.read()
    if kind == "erb":
        stack, ranges = [erb.parse(data).root_node], []
        while stack:
            node = stack.pop()
            if node.type == "code":
                ranges.append(node.range)
            stack.extend(node.children)
        ranges.sort(key=lambda r: r.start_byte)
        if ranges:
            ruby.included_ranges = ranges
            ruby.parse(data)
            ruby.reset()
            ruby.included_ranges = [ts.Range((0, 0), (0xFFFFFFFF, 0xFFFFFFFF), 0, 0xFFFFFFFF)]
    else:
        ruby.parse(data)
"""


def bench_cache() -> Path:
    return Path(os.environ.get("GRADER_BENCH_CACHE", Path.home() / ".cache" / "grader" / "bench"))


def stdlib_roots() -> list[Path]:
    # The stdlib, Debian's vendor_ruby and the bundled gems' own folders. The gems folder is
    # named directly: as a GEM_HOME (gems/ beside specifications/) discovery would skip it.
    roots = [*sorted(Path("/usr/lib/ruby").glob("3.*")), Path("/usr/lib/ruby/vendor_ruby"),
             *sorted(Path("/usr/lib/ruby/gems").glob("*/gems"))]
    return [r for r in roots if r.is_dir()]


def _git(git_dir: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(["git", f"--git-dir={git_dir}", *args], capture_output=True, check=False)


def export_head(git_dir: Path, dest: Path) -> bool:
    """Write HEAD's regular files under dest. Snapshots may lack their largest blobs: those are left out."""
    listing = _git(git_dir, "ls-tree", "-r", "-z", "HEAD")
    if listing.returncode != 0:
        return False
    entries = []  # (sha, path) of regular files; links and submodules are not exported
    for item in listing.stdout.split(b"\0"):
        meta, _, path = item.partition(b"\t")
        if meta and meta.split()[0] in (b"100644", b"100755"):
            entries.append((meta.split()[2], path.decode("utf-8", "surrogateescape")))
    batch = subprocess.run(["git", f"--git-dir={git_dir}", "cat-file", "--batch"], capture_output=True, check=False,
                           input=b"".join(sha + b"\n" for sha, _ in entries))
    out, pos = batch.stdout, 0
    for _sha, path in entries:
        header_end = out.index(b"\n", pos)
        header = out[pos:header_end].split()
        pos = header_end + 1
        if header[-1] == b"missing":
            continue
        size = int(header[2])
        target = dest / path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(out[pos:pos + size])
        pos += size + 1
    return True


def fill_apps(mirrors: Path, apps: Path) -> list[str]:
    """Export HEAD of every app mirror not yet in the cache; returns the names it could not use."""
    unused = []
    for git_dir in sorted(mirrors.glob("*/repo")):
        name = git_dir.parent.name
        target = apps / name
        if target.exists():
            continue
        top = _git(git_dir, "ls-tree", "--name-only", "HEAD")
        if top.returncode != 0:
            unused.append(f"{name} (no HEAD)")
            continue
        names = top.stdout.decode("utf-8", "replace").split("\n")
        if any(n.endswith(".gemspec") for n in names):
            unused.append(f"{name} (a gem)")
            continue
        part = apps / f".{name}.part"
        shutil.rmtree(part, ignore_errors=True)
        if not export_head(git_dir, part):
            shutil.rmtree(part, ignore_errors=True)
            unused.append(f"{name} (export failed)")
            continue
        part.rename(target)
    return unused


def source_list(paths: list[Path], dest: Path) -> tuple[int, float]:
    """Write the files `grader check` would read (same discovery) to dest; (count, MB)."""
    from static_checks.sources import discover

    files = [f for p in paths for f in discover(p).files]
    dest.write_text("".join(f"{f.path}\t{f.kind}\n" for f in files), encoding="utf-8")
    return len(files), sum(f.path.stat().st_size for f in files) / 1e6


def grader_exe() -> str:
    exe = Path(sys.executable).with_name("grader")
    return str(exe) if exe.exists() else "grader"


# Both sides run as an installed program does: Python's bytecode cache on. With PYTHONDONTWRITEBYTECODE
# set (some shells here set it), every `grader` process would compile its ~90 modules from source
# again (~0.1 s), a cost no installed copy pays; the warm-up run of each side writes the cache.
_AS_INSTALLED = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}


def timed(cmd: list[str], report: Path | None = None) -> tuple[float, float]:
    """(wall seconds, CPU seconds of the process and its children) of one run. report: the JSON file
    the run must write (exit 1 means findings, but an uncaught exception exits 1 too)."""
    if report is not None:
        report.unlink(missing_ok=True)
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    done = subprocess.run(cmd, capture_output=True, check=False, env=_AS_INSTALLED)
    took = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if done.returncode not in (0, 1):
        raise SystemExit(f"{' '.join(cmd[:3])}... exited {done.returncode}: {done.stderr.decode()[-400:]}")
    if report is not None and not _wrote_report(report):
        raise SystemExit(f"{' '.join(cmd[:3])}... wrote no report (exit {done.returncode}): "
                         f"{done.stderr.decode()[-400:]}")
    return took, (after.ru_utime + after.ru_stime) - (before.ru_utime + before.ru_stime)


def _wrote_report(report: Path) -> bool:
    try:
        written = json.loads(report.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False
    # one report per path: a list when there are several
    return all("findings" in r for r in (written if isinstance(written, list) else [written]))


def _figures(runs: list[tuple[float, float]]) -> str:
    walls, cpus = [r[0] for r in runs], [r[1] for r in runs]
    return (f"median {statistics.median(walls):.3f} s (min {min(walls):.3f}), "
            f"CPU median {statistics.median(cpus):.3f} s")


def compare(label: str, slug: str, paths: list[Path], repeat: int, work: Path) -> None:
    listing = work / f"{slug}.files"
    count, size_mb = source_list(paths, listing)
    bare_cmd = [sys.executable, "-c", BARE_PARSE, str(listing)]
    report = work / f"{slug}.json"
    whole_cmd = [grader_exe(), "check", *map(str, paths), "--format", "json", "-o", str(report)]
    timed(bare_cmd)  # warm the OS file cache for both sides
    timed(whole_cmd, report)
    bare, whole = [], []
    for _ in range(repeat):  # interleaved, so a busy moment on the machine hits both sides
        bare.append(timed(bare_cmd))
        whole.append(timed(whole_cmd, report))
    b, w = statistics.median(r[0] for r in bare), statistics.median(r[0] for r in whole)
    print(f"{label}: {len(paths)} path(s), {count} files, {size_mb:.1f} MB")
    print(f"  bare tree-sitter parse, fresh process: {_figures(bare)}")
    print(f"  whole `grader check`, fresh process:   {_figures(whole)}")
    print(f"  ratio whole / bare (wall): median {w / b:.2f}, min/min "
          f"{min(r[0] for r in whole) / min(r[0] for r in bare):.2f}  goal <= 1.5")
    bc, wc = statistics.median(r[1] for r in bare), statistics.median(r[1] for r in whole)
    print(f"  ratio whole / bare (CPU, all processes): median {wc / bc:.2f}  (the wall ratio's floor on one core)")


def apps_tree(args: argparse.Namespace) -> Path | None:
    apps = args.apps
    if args.mirrors.is_dir():
        apps.mkdir(parents=True, exist_ok=True)
        unused = fill_apps(args.mirrors, apps)
        if unused:
            print(f"mirrors not used as apps: {', '.join(unused)}")
    if not apps.is_dir() or not any(p.is_dir() for p in apps.iterdir()):
        print(f"skipped: real apps tree (no apps in {apps} and no mirrors in {args.mirrors})")
        return None
    return apps


def app_names(apps: Path) -> list[str]:
    return sorted(p.name for p in apps.iterdir() if p.is_dir() and not p.name.startswith("."))


def sample_tree(apps: Path, listing: Path, work: Path) -> tuple[Path, list[str], list[str]]:
    """A folder of the apps `listing` names, hard-linked from the cache (no copy); (tree, used, absent)."""
    names = [n.strip() for n in listing.read_text(encoding="utf-8").splitlines()]
    names = [n for n in names if n and not n.startswith("#")]
    tree = work / "sample"
    used, absent = [], []
    for name in names:
        if (apps / name).is_dir():
            shutil.copytree(apps / name, tree / name, copy_function=os.link, symlinks=True)
            used.append(name)
        else:
            absent.append(name)
    return tree, used, absent


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--apps", type=Path, default=bench_cache() / "apps", help="the real apps tree (cache)")
    ap.add_argument("--mirrors", type=Path, default=Path("/work/.mirror"), help="bare git mirrors to fill it from")
    ap.add_argument("--stdlib", type=Path, nargs="+", default=stdlib_roots())
    ap.add_argument("--single", type=Path, default=ROOT / "tests" / "verdicts" / "crystal_ball",
                    help="the app of the cold single-app figure")
    ap.add_argument("--sample", default=str(ROOT / "bench" / "speed_sample.txt"),
                    help="file naming the apps of the ~20-app tree, one owner+name a line ('none': skip it)")
    ap.add_argument("--no-whole", action="store_true", help="skip the whole cache (only the sample)")
    ap.add_argument("--repeat", type=int, default=5)
    args = ap.parse_args()
    print(f"cores: {os.cpu_count()}, load average: {' '.join(f'{x:.2f}' for x in os.getloadavg())}"
          + ("; PYTHONDONTWRITEBYTECODE dropped for the runs" if "PYTHONDONTWRITEBYTECODE" in os.environ else ""))
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        apps = apps_tree(args)
        if apps is not None:
            n = len(app_names(apps))
            if args.sample != "none":
                tree, used, absent = sample_tree(apps, Path(args.sample), work)
                if absent:
                    print(f"sample apps absent from the cache (left out): {', '.join(absent)}")
                if used:
                    compare(f"real apps, the {len(used)} of {args.sample}", "sample", [tree], args.repeat, work)
            if not args.no_whole:
                compare(f"real apps, all {n} in {apps}", "apps", [apps], args.repeat, work)
        if args.stdlib and all(p.is_dir() for p in args.stdlib):
            compare("ruby stdlib", "stdlib", args.stdlib, args.repeat, work)
        else:
            print("skipped: Ruby's standard library (apt-get install ruby, or pass --stdlib DIR ...)")
        if args.single.is_dir():
            cmd = [grader_exe(), "check", str(args.single), "--format", "json", "-o", str(work / "single.json")]
            timed(cmd, work / "single.json")
            runs = [timed(cmd, work / "single.json") for _ in range(max(args.repeat, 5))]
            print(f"cold `grader check` of {args.single.name}: {_figures(runs)} over {len(runs)} runs  (goal < 0.5 s)")
        else:
            print(f"skipped: cold single-app check ({args.single} is absent)")
        empty = work / "empty"  # start-up alone: nothing to parse or check
        empty.mkdir()
        cmd = [grader_exe(), "check", str(empty), "--format", "json", "-o", str(work / "empty.json")]
        timed(cmd, work / "empty.json")
        runs = [timed(cmd, work / "empty.json") for _ in range(max(args.repeat, 5))]
        print(f"cold `grader check` of an empty folder: {_figures(runs)} over {len(runs)} runs  (goal <= 0.1 s)")


if __name__ == "__main__":
    main()
