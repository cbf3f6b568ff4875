"""rubyllm/invented-value-use asks only the receivers an invented value can reach (types.carriers): does that
restricted pass find exactly what asking every receiver finds?

    python bench/carriers_sameness.py [TREE ...]    # default: the corpora, the sets' exports, the app cache

For every app root with an invented root it runs the rule's two passes with fresh inferers: restricted to the
carriers (without the rule's fall-back after a loop cut, so a missing edge shows even where a cut would hide
it) and over every receiver. It prints each root where they differ, with the findings only one pass has, the
loop cuts of the restricted pass, and the CPU of each pass. Exit 1 when a root differs.
"""

from __future__ import annotations

import glob
import os
import sys
import time
from pathlib import Path

os.environ.setdefault("LITELLM_LOCAL_MODEL_COST_MAP", "True")
sys.path.insert(0, str(Path(__file__).resolve().parent))
REPO = Path(__file__).resolve().parent.parent
DEFAULT_TREES = [
    *sorted(glob.glob(f"{REPO}/tests/corpus/*/")),
    "/tmp/set_a", "/tmp/set_b", "/tmp/set_c", "/tmp/setd_all", "/tmp/setE", "/tmp/setF", "/tmp/kernel_setg",
    "/tmp/setH", str(Path.home() / ".cache/grader/bench/apps"),
]


def both_passes(ctx) -> tuple[list, list, int, float, float] | None:
    """(restricted findings, every-receiver findings, loop cuts of the restricted pass, CPU of each), or None
    when the root has no invented root."""
    from static_checks.rules import invented_value_use as rule
    from static_checks.rules import rule_findings, unknown_constant, unknown_method
    from static_checks.types.carriers import carriers
    from static_checks.types.infer import Inferer

    rule_findings(unknown_method.RULE, ctx)
    rule_findings(unknown_constant.RULE, ctx)
    an = rule.analysis(ctx)
    roots, by_key, constants, nodes = rule._roots(ctx, an)
    if not roots:
        return None
    at = time.process_time()
    infer = Inferer(an.project, an.index, roots=roots)
    restricted = list(rule._findings(an, infer, constants, by_key, carriers(an.project, nodes)))
    restricted_cpu = time.process_time() - at
    at = time.process_time()
    every = list(rule._findings(an, Inferer(an.project, an.index, roots=roots), constants, by_key, None))
    return restricted, every, infer.cuts, restricted_cpu, time.process_time() - at


def _where(findings) -> set[tuple]:
    return {(f.file, f.line, f.column, f.message) for f in findings}


def main() -> int:
    from rules_sameness import root_contexts

    trees = sys.argv[1:] or DEFAULT_TREES
    compared = differing = findings = 0
    cpu = [0.0, 0.0]
    for tree in trees:
        base = Path(tree).resolve()
        if not base.is_dir():
            print(f"(absent, skipped: {tree})", file=sys.stderr)
            continue
        for name, ctx in root_contexts(base):
            got = both_passes(ctx)
            if got is None:
                continue
            restricted, every, cuts, r_cpu, e_cpu = got
            compared += 1
            findings += len(every)
            cpu[0] += r_cpu
            cpu[1] += e_cpu
            only_r, only_e = _where(restricted) - _where(every), _where(every) - _where(restricted)
            if only_r or only_e:
                differing += 1
                print(f"{base}::{name}: differs (restricted pass cut {cuts} loops)")
                for label, items in (("only restricted", only_r), ("only every-receiver", only_e)):
                    for f in sorted(items):
                        print(f"    {label}: {f[0]}:{f[1]}:{f[2]} {f[3][:100]}")
    print(f"{compared} roots with invented roots, {findings} invented-value-use findings (every receiver), "
          f"{differing} roots differ; CPU restricted {cpu[0]:.2f} s, every receiver {cpu[1]:.2f} s")
    return 1 if differing else 0


if __name__ == "__main__":
    sys.exit(main())
