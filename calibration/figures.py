"""One block of agreement figures between two raters over n paired items, with bootstrap CIs.

The point estimate and the B resamples go through the same vectorised functions (row 0 is the
items in order). Undefined figures are None with a note saying why, never NaN.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from calibration import metrics

FIGURES = ("qwk", "alpha_interval", "alpha_ordinal", "spearman", "kendall", "pearson", "mae", "bias",
           "within_1", "within_k", "pairwise_accuracy", "tier_kappa")
MIN_MEANINGFUL = 5


@dataclass(frozen=True)
class Scale:
    """What a block's scores are out of, and the rubric's tiers (highest first) to bin them."""

    max: float
    tiers: tuple[tuple[str, float], ...] = ()  # (name, min) on the rubric total
    rubric_total: float = 0.0

    def tier_index(self, scores: np.ndarray) -> np.ndarray:
        # Tiers are thresholds on the rubric total: a dimension's score is placed by its share of max.
        on_total = scores / self.max * self.rubric_total
        mins = np.array([m for _, m in self.tiers])
        # first tier (highest first) whose min the score reaches
        reached = on_total[:, None] >= mins[None, :] - 1e-9
        return np.argmax(reached, axis=1)


def _all_figures(h0: np.ndarray, j0: np.ndarray, idx: np.ndarray, within_k: float) -> dict[str, np.ndarray]:
    """h0, j0: the n paired scores; idx: B x n item indices, one resample per row."""
    b, n = idx.shape
    counts = np.bincount((np.arange(b)[:, None] * n + idx).ravel(), minlength=b * n).reshape(b, n).astype(float)
    tau, pairwise = metrics.kendall_and_pairwise_resampled(h0, j0, counts)
    h, j = h0[idx], j0[idx]
    return {
        "qwk": metrics.qwk(metrics.bin_to_int(h), metrics.bin_to_int(j)),
        "alpha_interval": metrics.alpha_interval(h, j),
        "alpha_ordinal": metrics.alpha_ordinal(h, j),
        "spearman": metrics.spearman_resampled(h0, j0, counts),
        "kendall": tau,
        "pearson": metrics.pearson(h, j),
        "mae": metrics.mae(h, j),
        "bias": metrics.bias(h, j),
        "within_1": metrics.within(h, j, 1.0),
        "within_k": metrics.within(h, j, within_k),
        "pairwise_accuracy": pairwise,
    }


def _number(x: float) -> float | None:
    return None if x is None or not np.isfinite(x) else round(float(x), 12)


def _why_undefined(name: str, h: np.ndarray, j: np.ndarray, role: tuple[str, str]) -> str:
    a, b = role
    if np.ptp(h) == 0 and np.ptp(j) == 0:
        return f"{name} undefined: {a} and {b} both gave every item the same score"
    if np.ptp(h) == 0:
        return f"{name} undefined: {a} scores are constant ({h[0]:g})"
    if np.ptp(j) == 0:
        return f"{name} undefined: {b} scores are constant ({j[0]:g})"
    if name == "tier_kappa":
        return "tier_kappa undefined: every item falls in one tier for both raters"
    return f"{name} undefined on these scores"


def _tier_block(h: np.ndarray, j: np.ndarray, idx: np.ndarray, scale: Scale) -> tuple[np.ndarray, dict]:
    ht = scale.tier_index(h)
    jt = scale.tier_index(j)
    k = len(scale.tiers)
    kappas = metrics.cohen_kappa_nominal(ht[idx], jt[idx], k)
    matrix = np.zeros((k, k), dtype=int)
    np.add.at(matrix, (ht, jt), 1)
    return kappas, {"labels": [name for name, _ in scale.tiers], "matrix": matrix.tolist(),
                    "rows": "human", "columns": "judge"}


def compute_block(h: list[float] | np.ndarray, j: list[float] | np.ndarray, scale: Scale | None, *,
                  items: list[str] | None = None, resamples: int = 2000, seed: int = 0, within_k: float = 2.0,
                  role: tuple[str, str] = ("human", "judge")) -> dict:
    """Figures of rater `j` against rater `h` (paired by position), each with a 95% percentile CI
    from `resamples` paired bootstrap resamples over items."""
    h = np.asarray(h, dtype=float)
    j = np.asarray(j, dtype=float)
    n = len(h)
    notes: list[str] = []
    block: dict = {"n": n, "max": scale.max if scale else None, "k": within_k}
    if n < 2:
        block.update({f: None for f in FIGURES})
        block.update(ci={}, notes=[f"only {n} paired item(s): no figure can be computed"], pairs=_pairs(items, h, j))
        return block
    if n < MIN_MEANINGFUL:
        notes.append(f"only {n} paired items (fewer than {MIN_MEANINGFUL}): figures are printed but not meaningful")
    rng = np.random.default_rng(seed)
    idx = np.vstack([np.arange(n)[None, :], rng.integers(0, n, size=(max(resamples, 0), n))])
    values = _all_figures(h, j, idx, within_k)
    if scale and scale.tiers:
        values["tier_kappa"], block["tiers"] = _tier_block(h, j, idx, scale)
    else:
        notes.append("tier_kappa undefined: no rubric tiers given")
    if np.ptp(h) == 0 or np.ptp(j) == 0:
        who = "human" if np.ptp(h) == 0 else "judge"
        who = role[0] if who == "human" else role[1]
        notes.append(f"{who} scores are constant: kappa and alpha say nothing about agreement here")
    ci: dict[str, list[float] | None] = {}
    for name in FIGURES:
        series = values.get(name)
        point = None if series is None else _number(series[0])
        block[name] = point
        if series is None:
            continue
        if point is None:
            notes.append(_why_undefined(name, h, j, role))
        boot = series[1:]
        ok = np.isfinite(boot)
        if resamples and ok.sum() >= max(10, resamples // 2):
            lo, hi = np.percentile(boot[ok], [2.5, 97.5])
            ci[name] = [_number(lo), _number(hi)]
            if len(boot) - ok.sum() > len(boot) // 100:  # more than 1% of resamples
                notes.append(f"ci of {name} leaves out {len(boot) - ok.sum()} of {len(boot)} resamples "
                             "where it is undefined")
        else:
            ci[name] = None
    block["ci"] = ci
    block["notes"] = notes
    block["pairs"] = _pairs(items, h, j)
    return block


def _pairs(items: list[str] | None, h: np.ndarray, j: np.ndarray) -> list[dict]:
    names = items or [str(i) for i in range(len(h))]
    return [{"item": name, "human": float(a), "judge": float(b)} for name, a, b in zip(names, h, j)]
