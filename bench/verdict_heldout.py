"""Verdict truth on held-out apps (tests/verdicts/heldout.yaml): real repos cloned at their pinned
commit and graded as `grader grade --no-judge --no-runtime` would (static and self-review stages),
then compared with labels and totals written by hand before the grader ever ran on them.

Prints per fact family: precision = labels matched / labels decided (unknown = pending, apart);
then per app and rubric the reported range [total, total + pending] against the hand range, and the
deductions that the hand facts apply but the report does not (missed) or the other way (wrong).

Repos come from $VERDICT_MIRROR/<owner>+<name>/repo (a local git mirror) when set, else GitHub.
"""

from __future__ import annotations

import os
import subprocess
import tempfile
from collections import Counter
from pathlib import Path

import yaml
from verdict_accuracy import hand_value, matches  # one label comparison for both sets

RUBRICS = ("rails-rubyllm-v1", "rails-rubyllm-v2")


def clone(app: dict, dest: Path) -> Path:
    """A checkout of the app's pinned commit with its history (the model verdict reads its date)."""
    mirror = os.environ.get("VERDICT_MIRROR")
    local = Path(mirror) / app["repo"].replace("/", "+") / "repo" if mirror else None
    source = str(local) if local is not None and local.exists() else f"https://github.com/{app['repo']}.git"
    env = {**os.environ, "GIT_TERMINAL_PROMPT": "0", "GIT_CONFIG_NOSYSTEM": "1"}
    subprocess.run(["git", "clone", "-q", "--no-checkout", "--", source, str(dest)], check=True, env=env,
                   capture_output=True)
    subprocess.run(["git", "-C", str(dest), "-c", "core.hooksPath=/dev/null", "checkout", "-q", app["commit"]],
                   check=True, env=env, capture_output=True)
    return dest


def labels_of(data: dict, app: dict) -> list[dict]:
    """The shared labels, each replaced by the app's own label of the same fact."""
    own = {lb["fact"] for lb in app["labels"]}
    return [lb for lb in data.get("shared", []) if lb["fact"] not in own] + list(app["labels"])


def grade_facts(repo: Path, rubric_name: str):
    """(facts, missing fact stages) of a --no-judge --no-runtime grade."""
    from grader.pipeline import GradeOptions, run_stages
    from grader.rubric import load_rubric

    run = run_stages(repo, load_rubric(rubric_name), GradeOptions(runtime=False, judge=False))
    return run.facts, run.missing


def _applied(card) -> set[str]:
    return {a.id for d in card.dimensions for a in d.deductions if a.kind != "judge"}


def _pending(card) -> set[str]:
    return {p.id for d in card.dimensions for p in d.pending}


def compare_scores(facts: list, missing: set[str], labels: list[dict], rubric_name: str):
    """(reported scorecard, hand-fact scorecard): the same scoring, labelled facts set to their hand value."""
    from grader.rubric import load_rubric
    from grader.scoring import FactSet, score

    by_label = {lb["fact"]: lb for lb in labels}
    hand = [f.model_copy(update={"value": hand_value(by_label[f.id], f.value)}) if f.id in by_label else f
            for f in facts]
    rubric = load_rubric(rubric_name)
    return score(rubric, FactSet(facts, missing_stages=missing)), score(rubric, FactSet(hand, missing_stages=missing))


class Tally:
    """Label precision per fact family, ranges and deduction differences over the apps."""

    def __init__(self) -> None:
        self.ok, self.decided, self.pending = Counter(), Counter(), Counter()
        self.wrong: list[str] = []
        self.inside: dict[str, list[bool]] = {r: [] for r in RUBRICS}
        self.rows: list[str] = []
        self.deductions: list[str] = []
        self.missed = self.false = 0

    def labels(self, app: dict, labels: list[dict], facts: list) -> None:
        by_id = {f.id: f for f in facts}
        for lb in labels:
            family = lb["fact"].split(".")[0]
            got = by_id[lb["fact"]].value if lb["fact"] in by_id else None
            if got is None:
                self.pending[family] += 1
                continue
            self.decided[family] += 1
            if matches(lb, got):
                self.ok[family] += 1
                continue
            want = lb.get("expected", f"> {lb.get('expected_gt')}")
            self.wrong.append(f"  {app['name']}: {lb['fact']} = {got!r}, hand {want!r} ({lb.get('where', '-')})")

    def scores(self, app: dict, name: str, got_card, hand_card) -> None:
        lo, hi = got_card.total, got_card.total + got_card.pending_points
        want_lo, want_hi = app["hand_totals"][name]
        hit = lo - 1e-9 <= want_lo and want_hi <= hi + 1e-9
        self.inside[name].append(hit)
        self.rows.append(f"  {app['name']:<20} {name}: reported [{lo:g}, {hi:g}]  hand [{want_lo:g}, {want_hi:g}]"
                         f"  hand facts scored [{hand_card.total:g}, {hand_card.total + hand_card.pending_points:g}]"
                         f"  {'inside' if hit else 'OUTSIDE'}")
        got_ids, hand_ids, undecided = _applied(got_card), _applied(hand_card), _pending(got_card)
        for rule in sorted(hand_ids - got_ids - undecided):
            self.missed += 1
            self.deductions.append(f"  {app['name']} {name}: missed deduction {rule}")
        for rule in sorted(got_ids - hand_ids):
            self.false += 1
            self.deductions.append(f"  {app['name']} {name}: wrong deduction {rule}")

    def print(self, n_apps: int, n_labels: int, verbose: bool) -> None:
        print(f"held-out verdict set: {n_apps} apps, {n_labels} labels")
        print(f"{'family':<14}{'precision':>10}{'matched':>9}{'decided':>9}{'pending':>9}")
        for fam in sorted(set(self.decided) | set(self.pending)):
            prec = self.ok[fam] / self.decided[fam] if self.decided[fam] else 1.0
            print(f"{fam:<14}{prec:>10.2f}{self.ok[fam]:>9}{self.decided[fam]:>9}{self.pending[fam]:>9}")
        total_ok, total_dec = sum(self.ok.values()), sum(self.decided.values())
        print(f"{'all':<14}{(total_ok / total_dec if total_dec else 1.0):>10.2f}{total_ok:>9}{total_dec:>9}"
              f"{sum(self.pending.values()):>9}")
        print(f"missed deductions: {self.missed}, wrong deductions: {self.false}")
        for name in RUBRICS:
            hits = self.inside[name]
            print(f"hand-checked total inside [total, total+pending], {name}: {sum(hits)}/{len(hits)}")
        if verbose:
            for title, lines in (("wrong facts:", self.wrong), ("deductions:", self.deductions),
                                 ("ranges:", self.rows)):
                print(title)
                print("\n".join(lines) or "  none")


def run_heldout(path: Path, verbose: bool = False) -> int:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    tally = Tally()
    with tempfile.TemporaryDirectory() as tmp:
        for app in data["apps"]:
            repo = clone(app, Path(tmp) / app["name"])
            labels = labels_of(data, app)
            for name in RUBRICS:
                facts, missing = grade_facts(repo, name)
                if name == RUBRICS[0]:
                    tally.labels(app, labels, facts)
                tally.scores(app, name, *compare_scores(facts, missing, labels, name))
    tally.print(len(data["apps"]), sum(len(labels_of(data, a)) for a in data["apps"]), verbose)
    return 0
