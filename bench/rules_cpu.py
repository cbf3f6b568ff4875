"""CPU of the API rules alone: a tree parsed once, then run_rules on each app root (the shared analysis included).

    python bench/rules_cpu.py TREE [TREE ...]            # run_rules CPU, total and the slowest roots
    python bench/rules_cpu.py --skip-rules TREE          # parse and set-up only

Instruction counts are steadier than seconds on a shared machine: the rules' own count is the difference of
two runs under callgrind, e.g. (fixed hash seed, the sample tree of bench/speed_sample.txt):

    PYTHONHASHSEED=0 valgrind --tool=callgrind --callgrind-out-file=/dev/null python bench/rules_cpu.py T
    PYTHONHASHSEED=0 valgrind --tool=callgrind --callgrind-out-file=/dev/null python bench/rules_cpu.py --skip-rules T
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

os.environ.setdefault("LITELLM_LOCAL_MODEL_COST_MAP", "True")


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("trees", nargs="+", type=Path)
    ap.add_argument("--skip-rules", action="store_true", help="parse and set up the roots only")
    args = ap.parse_args()

    from rules_sameness import root_contexts  # the same roots the differential harness compares
    from static_checks.rules import all_rules, run_rules

    all_rules()
    roots = []
    started = time.process_time()
    for tree in args.trees:
        base = tree.resolve()
        roots += [(f"{base.name}/{name}", ctx) for name, ctx in root_contexts(base)]
    print(f"parse and set-up: {time.process_time() - started:.3f} s CPU, "
          f"{sum(len(ctx.files) for _n, ctx in roots)} files, {len(roots)} roots")
    if args.skip_rules:
        return 0
    per_root = []
    started = time.process_time()
    findings = 0
    for label, ctx in roots:
        at = time.process_time()
        findings += len(run_rules(ctx))
        per_root.append((time.process_time() - at, label))
    print(f"run_rules: {time.process_time() - started:.3f} s CPU, {findings} findings")
    for seconds, label in sorted(per_root, reverse=True)[:8]:
        print(f"  {seconds:7.3f} s  {label}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
