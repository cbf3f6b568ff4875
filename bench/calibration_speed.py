"""Speed of the agreement report: one block (all 12 figures, B bootstrap resamples) at several set
sizes, the whole `compare` on a synthetic set, and a naive loop over the reference implementations
(scikit-learn, krippendorff, scipy) for the same resamples, to show what vectorising buys.

    python bench/calibration_speed.py [--resamples 2000] [--naive-resamples 200]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
import warnings
from pathlib import Path

import numpy as np
from threadpoolctl import threadpool_limits

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from calibration.agreement import Settings, compare  # noqa: E402
from calibration.figures import Scale, compute_block  # noqa: E402
from calibration.scores import HumanScore, JudgeScore  # noqa: E402
from grader.rubric import load_rubric  # noqa: E402


def _data(n: int, top: int, rng) -> tuple[np.ndarray, np.ndarray]:
    h = rng.integers(0, top + 1, n).astype(float)
    j = np.clip(h + rng.integers(-2, 3, n), 0, top).astype(float)
    return h, j


def _time(fn, repeat: int = 3) -> float:
    runs = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        runs.append(time.perf_counter() - start)
    return statistics.median(runs)


def _naive(h, j, resamples, rng) -> None:
    import krippendorff
    from scipy.stats import kendalltau, pearsonr, spearmanr
    from sklearn.metrics import cohen_kappa_score

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for _ in range(resamples):
            idx = rng.integers(0, len(h), len(h))
            a, b = h[idx], j[idx]
            cohen_kappa_score(a, b, weights="quadratic")
            krippendorff.alpha(reliability_data=np.vstack([a, b]), level_of_measurement="interval")
            krippendorff.alpha(reliability_data=np.vstack([a, b]), level_of_measurement="ordinal")
            spearmanr(a, b)
            kendalltau(a, b)
            pearsonr(a, b)


def _synthetic_set(items: int, rng):
    human, judge = [], []
    for i in range(items):
        for dim, top in (("architecture", 5), ("production", 5)):
            base = int(rng.integers(0, top + 1))
            for rater in ("a", "b"):
                human.append(HumanScore(f"i{i}", dim, None, float(min(top, base + rng.integers(0, 2))), rater, 0))
            for model in ("m1", "m2"):
                for k in range(3):
                    judge.append(JudgeScore(f"i{i}", dim, None, float(np.clip(base + rng.integers(-1, 2), 0, top)),
                                            model, k))
    return human, judge


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--resamples", type=int, default=2000)
    ap.add_argument("--naive-resamples", type=int, default=200)
    args = ap.parse_args()
    rng = np.random.default_rng(0)
    rubric = load_rubric("rails-rubyllm-v1")
    tiers = tuple((t.name, float(t.min)) for t in rubric.tiers)
    print(f"one block, 12 figures + 95% CIs from {args.resamples} paired resamples:")
    for n in (10, 30, 100, 300):
        h, j = _data(n, 10, rng)
        scale = Scale(max=10, tiers=tiers, rubric_total=rubric.max_total)
        with threadpool_limits(limits=1, user_api="blas"):  # as compare() runs it
            secs = _time(lambda: compute_block(h, j, scale, resamples=args.resamples))
        print(f"  n={n:4d} items: {secs * 1000:8.1f} ms")
    h, j = _data(30, 10, rng)
    naive = _time(lambda: _naive(h, j, args.naive_resamples, rng), repeat=1)
    per = naive / args.naive_resamples
    print(f"naive loop over the reference implementations (6 of the figures), n=30: {per * 1000:.2f} ms per "
          f"resample -> {per * args.resamples:.1f} s for {args.resamples}")
    for items in (30, 200):
        human, judge = _synthetic_set(items, rng)
        secs = _time(lambda: compare(human, judge, rubric, Settings(resamples=args.resamples)), repeat=1)
        print(f"whole compare, {items} items x 2 dimensions, 2 raters, 2-model panel x 3 samples "
              f"(judge, per model, panel, ceiling blocks): {secs:.2f} s")


if __name__ == "__main__":
    main()
