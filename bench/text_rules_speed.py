"""CPU time of the text rules alone (static_checks.text_rules.run_text_rules: the repo walk, reading the
text files and the prompt-injection scan), on trees already parsed, and every hit they report.

    python bench/text_rules_speed.py PATH [PATH ...] [--children] [--repeat N] [--hits FILE]

Each PATH is one checked folder (as `grader check PATH` sees it); with --children each of its
subfolders is one (a cache of apps: one folder per app). Every folder is parsed first, untimed, in this
process (`parse_tree(jobs=1)`: the Ruby comments then come from the parsed trees, as in a check); then
run_text_rules is timed N times (process CPU time, min and median; CPU rather than wall because it
holds on a shared machine). --hits FILE writes every finding (folder, file, line, column, message) as
JSON lines, sorted, so two versions of the rules can be compared with `diff` or `cmp`.
"""

from __future__ import annotations

import argparse
import gc
import json
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def folders(paths: list[Path], children: bool) -> list[Path]:
    if not children:
        return paths
    return [c for p in paths for c in sorted(p.iterdir()) if c.is_dir() and not c.is_symlink()]


def main(argv: list[str]) -> int:
    ap = argparse.ArgumentParser(description=__doc__.strip().splitlines()[0])
    ap.add_argument("paths", nargs="+", type=Path)
    ap.add_argument("--children", action="store_true", help="each subfolder of PATH is a checked folder")
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--hits", type=Path, help="write every finding as sorted JSON lines to FILE")
    args = ap.parse_args(argv)
    missing = [p for p in args.paths if not p.is_dir()]
    if missing:
        print(f"not a folder: {missing[0]}", file=sys.stderr)
        return 2

    from static_checks.engine import parse_tree
    from static_checks.text_rules import run_text_rules

    trees = []
    for folder in folders(args.paths, args.children):
        _sources, parsed, _findings, _skipped = parse_tree(folder.resolve(), jobs=1)
        trees.append((folder, parsed))
    run_text_rules(trees[0][0], trees[0][1])  # imports and compiled patterns, not counted
    runs: list[float] = []
    hits: list[str] = []
    gc.disable()  # the check runs with few collector passes too (engine._fewer_gc_passes)
    for _ in range(args.repeat):
        hits = []
        started = time.process_time()
        for folder, parsed in trees:
            found = run_text_rules(folder.resolve(), parsed)
            hits.extend(json.dumps([folder.name, f.file, f.line, f.column, f.message, f.snippet]) for f in found)
        runs.append(time.process_time() - started)
    gc.enable()
    files = sum(len(p) for _f, p in trees)
    print(f"text rules: {len(trees)} folders ({files} parsed files), {len(hits)} findings; "
          f"CPU s min {min(runs):.3f} median {statistics.median(runs):.3f} over {args.repeat} runs")
    if args.hits:
        args.hits.write_text("".join(h + "\n" for h in sorted(hits)), encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
