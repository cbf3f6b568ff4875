"""Precision and recall of the RubyLLM API audit on the labelled corpus (tests/corpus/*/expected.yaml).

    python bench/audit_accuracy.py [CORPUS_DIR] [--verbose]
    python bench/audit_accuracy.py REPOS_DIR --labels LABELS.yaml [--severity error,warning]

A finding counts as a true positive when (file, line, rule) matches a label; every other
`rubyllm/*` finding is a false positive; every unmatched label is a false negative.
Parse findings are not scored. Prints per-rule and overall figures.

With --labels, every sub-folder of REPOS_DIR is one checked repo (e.g. local exports of public
repos) and LABELS.yaml maps a folder name to its true findings:
    owner+name: [{file: app/x.rb, line: 3, rule: rubyllm/unknown-method, why: "..."}]
A folder missing from the file is skipped (not judged). --severity keeps only findings of those
severities (real-repo reviews usually judge errors and warnings; infos are not claims).
Keep such label files local: they describe other people's code.
"""

from __future__ import annotations

import sys
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from static_checks.engine import check_path

CORPUS = Path(__file__).resolve().parent.parent / "tests" / "corpus"

Key = tuple[str, str, int, str]  # case, file, line, rule


@dataclass
class Score:
    tp: Counter = field(default_factory=Counter)
    fp: Counter = field(default_factory=Counter)
    fn: Counter = field(default_factory=Counter)
    false_pos: list[tuple[Key, str]] = field(default_factory=list)
    missed: list[tuple[Key, str]] = field(default_factory=list)
    per_case: dict[str, Counter] = field(default_factory=dict)  # case -> tp/fp/fn counts

    @staticmethod
    def ratio(a: int, b: int) -> float:
        return a / b if b else 1.0

    def precision(self, rule: str | None = None) -> float:
        tp = self.tp[rule] if rule else sum(self.tp.values())
        fp = self.fp[rule] if rule else sum(self.fp.values())
        return self.ratio(tp, tp + fp)

    def recall(self, rule: str | None = None) -> float:
        tp = self.tp[rule] if rule else sum(self.tp.values())
        fn = self.fn[rule] if rule else sum(self.fn.values())
        return self.ratio(tp, tp + fn)

    def rules(self) -> list[str]:
        return sorted(set(self.tp) | set(self.fp) | set(self.fn))


def load_labels(case: Path, items: list[dict] | None = None) -> dict[Key, str]:
    if items is None:
        data = yaml.safe_load((case / "expected.yaml").read_text()) or {}
        items = data.get("findings") or []
    out: dict[Key, str] = {}
    for item in items:
        out[(case.name, item["file"], int(item["line"]), item["rule"])] = item.get("why", "")
    return out


def cases(corpus: Path = CORPUS) -> list[Path]:
    return sorted(p for p in corpus.iterdir() if (p / "expected.yaml").is_file())


def score(corpus: Path = CORPUS, labels_file: Path | None = None, severities: set[str] | None = None) -> Score:
    s = Score()
    external = yaml.safe_load(labels_file.read_text()) or {} if labels_file else None
    if external is None:
        todo = [(case, load_labels(case)) for case in cases(corpus)]
    else:
        todo = [(corpus / name, load_labels(corpus / name, items or [])) for name, items in sorted(external.items())
                if (corpus / name).is_dir()]
    for case, labels in todo:
        report = check_path(case)
        counts = s.per_case.setdefault(case.name, Counter(tp=0, fp=0, fn=0))
        found: dict[Key, str] = {}
        for f in report.findings:
            if not f.rule.startswith("rubyllm/"):
                continue
            if severities is not None and f.severity.value not in severities:
                continue
            found.setdefault((case.name, f.file, f.line, f.rule), f.message)
        for key, msg in found.items():
            if key in labels:
                s.tp[key[3]] += 1
                counts["tp"] += 1
            else:
                s.fp[key[3]] += 1
                counts["fp"] += 1
                s.false_pos.append((key, msg))
        for key, why in labels.items():
            if key not in found:
                s.fn[key[3]] += 1
                counts["fn"] += 1
                s.missed.append((key, why))
    return s


def print_per_case(s: Score) -> None:
    """One line per labelled repo: a recall figure means little without where the misses are."""
    print(f"{'repo':34} {'tp':>4} {'fp':>4} {'fn':>4} {'precision':>10} {'recall':>8}")
    for case, c in sorted(s.per_case.items()):
        print(f"{case[:34]:34} {c['tp']:4} {c['fp']:4} {c['fn']:4} "
              f"{s.ratio(c['tp'], c['tp'] + c['fp']):10.3f} {s.ratio(c['tp'], c['tp'] + c['fn']):8.3f}")


def main(argv: list[str]) -> int:
    verbose = "--verbose" in argv
    opts = {"--labels": None, "--severity": None}
    args: list[str] = []
    it = iter(argv)
    for a in it:
        if a in opts:
            opts[a] = next(it, None)
        elif not a.startswith("--"):
            args.append(a)
    corpus = Path(args[0]) if args else CORPUS
    labels_file = Path(opts["--labels"]) if opts["--labels"] else None
    severities = set(opts["--severity"].split(",")) if opts["--severity"] else None
    s = score(corpus, labels_file, severities)
    if labels_file:
        n_cases = sum(1 for n in (yaml.safe_load(labels_file.read_text()) or {}) if (corpus / n).is_dir())
    else:
        n_cases = len(cases(corpus))
    print(f"corpus: {corpus} ({n_cases} apps)" + (f", labels {labels_file}" if labels_file else "")
          + (f", severities {','.join(sorted(severities))}" if severities else ""))
    print(f"{'rule':34} {'tp':>4} {'fp':>4} {'fn':>4} {'precision':>10} {'recall':>8}")
    for rule in s.rules():
        print(f"{rule:34} {s.tp[rule]:4} {s.fp[rule]:4} {s.fn[rule]:4} {s.precision(rule):10.3f} {s.recall(rule):8.3f}")
    tp, fp, fn = sum(s.tp.values()), sum(s.fp.values()), sum(s.fn.values())
    if labels_file:
        print_per_case(s)
    print(f"{'OVERALL':34} {tp:4} {fp:4} {fn:4} {s.precision():10.3f} {s.recall():8.3f}")
    if verbose or s.false_pos or s.missed:
        for (case, file, line, rule), msg in s.false_pos:
            print(f"FP {case}/{file}:{line} {rule}: {msg}")
        for (case, file, line, rule), why in s.missed:
            print(f"FN {case}/{file}:{line} {rule}: {why}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
