"""Verdict truth on the hand-labelled corpus of real apps (tests/verdicts/labels.yaml, issue 10).

    python bench/verdict_accuracy.py [--verbose]
    python bench/verdict_accuracy.py --heldout [--verbose]    # the held-out apps of tests/verdicts/heldout.yaml

For each app: the fixture tree is committed into a fresh git repo dated like the pinned commit,
its static facts are collected, and every labelled fact is compared with its hand label.
Prints, per fact family (the id's prefix): precision = labels matched / labels decided (a fact
reported as unknown is pending, not wrong, and counted apart). Then, for both rubrics, the
share of apps whose hand-checked total lies inside the reported range [total, total + pending]:
the hand-checked score is the same scoring with the labelled facts set to their hand values;
runtime, self-review and judge stages are left unknown on both sides, so the check is that the
hand range [hand, hand + hand pending] sits inside the reported one.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
from collections import Counter
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "tests" / "verdicts"
RUBRICS = ("rails-rubyllm-v1", "rails-rubyllm-v2")
NOT_STATIC = ("runtime", "selfreview", "judge")


def materialize(app: dict, dest: Path) -> Path:
    """The fixture tree as a git checkout whose last commit carries the pinned commit's date."""
    shutil.copytree(CORPUS / app["name"], dest)
    env = {**os.environ, "GIT_AUTHOR_DATE": app["date"], "GIT_COMMITTER_DATE": app["date"],
           "GIT_AUTHOR_NAME": "corpus", "GIT_AUTHOR_EMAIL": "corpus@example.invalid",
           "GIT_COMMITTER_NAME": "corpus", "GIT_COMMITTER_EMAIL": "corpus@example.invalid"}
    for cmd in (["init", "-q"], ["add", "-A"], ["commit", "-q", "-m", f"{app['repo']}@{app['commit'][:12]}"]):
        subprocess.run(["git", "-C", str(dest), *cmd], check=True, env=env, capture_output=True)
    return dest


def matches(label: dict, value) -> bool:
    if "expected_gt" in label:
        n = len(value) if isinstance(value, list) else value
        return isinstance(n, int) and not isinstance(n, bool) and n > label["expected_gt"]
    want = label["expected"]
    if isinstance(want, list) and isinstance(value, list):
        return sorted(map(str, want)) == sorted(map(str, value))
    return value == want


def hand_value(label: dict, value):
    if "expected_gt" in label:
        return value if matches(label, value) else label["expected_gt"] + 1
    return label["expected"]


def scores(facts: list, labels: list[dict]):
    from grader.rubric import load_rubric
    from grader.scoring.engine import score
    from grader.scoring.factset import FactSet

    by_label = {lb["fact"]: lb for lb in labels}
    hand = [f.model_copy(update={"value": hand_value(by_label[f.id], f.value)}) if f.id in by_label else f
            for f in facts]
    out = {}
    for name in RUBRICS:
        rubric = load_rubric(name)
        got = score(rubric, FactSet(facts, missing_stages=NOT_STATIC))
        want = score(rubric, FactSet(hand, missing_stages=NOT_STATIC))
        out[name] = (got, want)
    return out


def main(argv: list[str]) -> int:
    from static_checks.engine import check_path

    verbose = "--verbose" in argv
    if "--heldout" in argv:
        from verdict_heldout import run_heldout

        return run_heldout(CORPUS / "heldout.yaml", verbose=verbose)
    data = yaml.safe_load((CORPUS / "labels.yaml").read_text(encoding="utf-8"))
    ok, decided, pending = Counter(), Counter(), Counter()
    wrong: list[str] = []
    inside: dict[str, list[bool]] = {r: [] for r in RUBRICS}
    rows: list[str] = []
    with tempfile.TemporaryDirectory() as tmp:
        for app in data["apps"]:
            facts = check_path(materialize(app, Path(tmp) / app["name"]), with_facts=True).facts
            by_id = {f.id: f for f in facts}
            for lb in app["labels"]:
                family = lb["fact"].split(".")[0]
                got = by_id[lb["fact"]].value if lb["fact"] in by_id else None
                if got is None and lb.get("expected", 0) is not None:
                    pending[family] += 1
                    continue
                decided[family] += 1
                if matches(lb, got):
                    ok[family] += 1
                else:
                    want = lb.get("expected", f"> {lb.get('expected_gt')}")
                    wrong.append(f"  {app['name']}: {lb['fact']} = {got!r}, hand label {want!r} ({lb['where']})")
            for name, (got, want) in scores(facts, app["labels"]).items():
                lo, hi = got.total, got.total + got.pending_points
                hit = lo <= want.total and want.total + want.pending_points <= hi + 1e-9
                inside[name].append(hit)
                rows.append(f"  {app['name']:<20} {name}: reported [{lo:g}, {hi:g}]  hand "
                            f"[{want.total:g}, {want.total + want.pending_points:g}]  {'inside' if hit else 'OUTSIDE'}")
    print(f"verdict corpus: {len(data['apps'])} apps, {sum(len(a['labels']) for a in data['apps'])} labels")
    print(f"{'family':<14}{'precision':>10}{'matched':>9}{'decided':>9}{'pending':>9}")
    for fam in sorted(set(decided) | set(pending)):
        prec = ok[fam] / decided[fam] if decided[fam] else 1.0
        print(f"{fam:<14}{prec:>10.2f}{ok[fam]:>9}{decided[fam]:>9}{pending[fam]:>9}")
    total_ok, total_dec = sum(ok.values()), sum(decided.values())
    print(f"{'all':<14}{(total_ok / total_dec if total_dec else 1.0):>10.2f}{total_ok:>9}{total_dec:>9}"
          f"{sum(pending.values()):>9}")
    for name in RUBRICS:
        hits = inside[name]
        print(f"hand-checked total inside [total, total+pending], {name}: {sum(hits)}/{len(hits)}")
    if verbose:
        print("wrong facts:")
        print("\n".join(wrong) or "  none")
        print("ranges:")
        print("\n".join(rows))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
