"""Agreement figures between two raters (human, judge) over the same items, vectorised over resamples.

Every function takes arrays of shape (B, n): row b is one bootstrap resample of the n paired items
(row 0 of a point estimate is simply the items in order). One code path serves the point estimate
and the 2000 resamples, so the confidence interval is of the very figure printed. Undefined values
(a constant rater, no ordered pair) come back as NaN; the caller turns them into null plus a note.
Reference implementations (scikit-learn, krippendorff, scipy) are matched to 1e-9 in the tests.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

Array = NDArray[np.float64]

# Sign matrices for Kendall/pairwise accuracy take B*n*n bytes: chunk the resamples to stay near this.
_SIGN_BUDGET = 8_000_000


def _safe_div(num: Array, den: Array) -> Array:
    out = np.full(np.broadcast(num, den).shape, np.nan)
    ok = den != 0
    np.divide(num, den, out=out, where=ok)
    return out


def bin_to_int(x: Array) -> Array:
    """Scores binned to integers for kappa: halves round up (7.5 -> 8), unlike numpy's banker's rounding."""
    return np.floor(np.asarray(x, dtype=float) + 0.5)


def qwk(h: Array, j: Array) -> Array:
    """Quadratic-weighted Cohen's kappa on integer scores, weights (a - b)^2 on the score values.

    Closed form of 1 - sum(W*O)/sum(W*E): with W the squared value difference, sum(W*O) is the sum of
    squared differences and sum(W*E) the mean squared difference over all cross pairs, so no K x K
    confusion matrix is built (a total out of 100 would need 101 x 101 per resample). Equals
    sklearn's cohen_kappa_score(weights="quadratic") given the contiguous label range."""
    n = h.shape[-1]
    observed = np.sum((h - j) ** 2, axis=-1)
    cross = n * np.sum(h**2, axis=-1) + n * np.sum(j**2, axis=-1) - 2 * np.sum(h, axis=-1) * np.sum(j, axis=-1)
    return 1 - _safe_div(n * observed, cross)


def cohen_kappa_nominal(h_idx: NDArray[np.int64], j_idx: NDArray[np.int64], k: int) -> Array:
    """Unweighted Cohen's kappa on category indices 0..k-1 (used for tiers)."""
    b, n = h_idx.shape
    flat = (np.arange(b)[:, None] * k * k + h_idx * k + j_idx).ravel()
    conf = np.bincount(flat, minlength=b * k * k).reshape(b, k, k).astype(float)
    p_obs = np.trace(conf, axis1=1, axis2=2) / n
    p_exp = np.sum(conf.sum(axis=2) * conf.sum(axis=1), axis=1) / (n * n)
    return _safe_div(p_obs - p_exp, 1 - p_exp)


def alpha_interval(h: Array, j: Array) -> Array:
    """Krippendorff's alpha, interval metric, two raters and no missing value.

    D_o is the mean squared difference within items; D_e is the squared difference over all pairs of
    the 2n pooled values, 2*SS/(2n-1)."""
    n = h.shape[-1]
    pooled = np.concatenate([h, j], axis=-1)
    ss = np.sum((pooled - pooled.mean(axis=-1, keepdims=True)) ** 2, axis=-1)
    d_obs = np.mean((h - j) ** 2, axis=-1)
    d_exp = 2 * ss / (2 * n - 1)
    return 1 - _safe_div(d_obs, d_exp)


def alpha_ordinal(h: Array, j: Array) -> Array:
    """Krippendorff's alpha, ordinal metric, two raters and no missing value.

    The distance between levels c < k is (n_c + ... + n_k - (n_c + n_k)/2)^2, with n_g the count of
    level g among the pooled values of that resample. Resamples go in chunks: the level x level
    matrices of a total out of 100 would otherwise take gigabytes."""
    levels = np.unique(np.concatenate([h.ravel(), j.ravel()]))
    step = max(1, _SIGN_BUDGET // (4 * len(levels) ** 2))
    return np.concatenate([_alpha_ordinal_chunk(h[s:s + step], j[s:s + step], levels)
                           for s in range(0, h.shape[0], step)])


def _alpha_ordinal_chunk(h: Array, j: Array, levels: Array) -> Array:
    b, n = h.shape
    big_l = len(levels)
    hi = np.searchsorted(levels, h)
    ji = np.searchsorted(levels, j)
    rows = np.arange(b)[:, None] * big_l
    counts = np.bincount((rows + np.concatenate([hi, ji], axis=1)).ravel(), minlength=b * big_l)
    counts = counts.reshape(b, big_l).astype(float)
    cum = np.cumsum(counts, axis=1)
    delta2 = (cum[:, None, :] - cum[:, :, None] + (counts[:, :, None] - counts[:, None, :]) / 2) ** 2
    pairs = np.bincount((np.arange(b)[:, None] * big_l * big_l + hi * big_l + ji).ravel(), minlength=b * big_l * big_l)
    pairs = pairs.reshape(b, big_l, big_l).astype(float)
    total = 2 * n
    d_obs = np.sum((pairs + pairs.transpose(0, 2, 1)) * delta2, axis=(1, 2)) / total
    d_exp = np.einsum("bc,bk,bck->b", counts, counts, delta2) / (total * (total - 1))
    return 1 - _safe_div(d_obs, d_exp)


def pearson(h: Array, j: Array) -> Array:
    hc = h - h.mean(axis=-1, keepdims=True)
    jc = j - j.mean(axis=-1, keepdims=True)
    den = np.sqrt(np.sum(hc**2, axis=-1) * np.sum(jc**2, axis=-1))
    # A constant rater: exactly undefined, even where the mean left floating noise in hc or jc.
    constant = (np.ptp(h, axis=-1) == 0) | (np.ptp(j, axis=-1) == 0)
    den = np.where(constant, 0.0, den)
    return _safe_div(np.sum(hc * jc, axis=-1), den)


def spearman(h: Array, j: Array) -> Array:
    from scipy.stats import rankdata

    return pearson(rankdata(h, axis=-1), rankdata(j, axis=-1))


def spearman_resampled(h: Array, j: Array, counts: Array) -> Array:
    """Spearman's rho of each resample given as item counts (B x n), without sorting B rows: the
    average rank of original item i among the drawn values is (#drawn below it) + (#drawn equal + 1)/2,
    two matrix products; rho is then the count-weighted Pearson r of those ranks."""
    return _weighted_pearson(_ranks_from_counts(h, counts), _ranks_from_counts(j, counts), counts)


def _ranks_from_counts(x: Array, counts: Array) -> Array:
    below = (x[None, :] < x[:, None]).astype(float)  # [i, k]: item k's value is below item i's
    equal = (x[None, :] == x[:, None]).astype(float)
    return counts @ below.T + (counts @ equal.T + 1) / 2


def _weighted_pearson(x: Array, y: Array, w: Array) -> Array:
    total = w.sum(axis=1, keepdims=True)
    xc = x - (w * x).sum(axis=1, keepdims=True) / total
    yc = y - (w * y).sum(axis=1, keepdims=True) / total
    sxx = (w * xc * xc).sum(axis=1)
    syy = (w * yc * yc).sum(axis=1)
    den = np.sqrt(sxx * syy)
    # ranks are half-integers: a constant resample gives exactly zero spread, no tolerance needed
    return _safe_div((w * xc * yc).sum(axis=1), np.where((sxx == 0) | (syy == 0), 0.0, den))


def _sign_sums(h: Array, j: Array) -> tuple[Array, Array, Array, Array]:
    """Per resample: sum sx*sy, sum |sx|, sum |sy| and the judge-agrees score over human-ordered pairs
    (full n x n sign matrices, so every unordered pair counts twice; the ratios do not care)."""
    b, n = h.shape
    out = np.empty((4, b))
    step = max(1, _SIGN_BUDGET // max(1, n * n))
    for start in range(0, b, step):
        hs = h[start:start + step]
        js = j[start:start + step]
        sh = np.sign(hs[:, :, None] - hs[:, None, :]).astype(np.int8)
        sj = np.sign(js[:, :, None] - js[:, None, :]).astype(np.int8)
        prod = (sh * sj).astype(np.int32)
        out[0, start:start + step] = prod.sum(axis=(1, 2))
        out[1, start:start + step] = np.abs(sh).sum(axis=(1, 2), dtype=np.int64)
        out[2, start:start + step] = np.abs(sj).sum(axis=(1, 2), dtype=np.int64)
        # judge ties on a pair the human orders count half, like an AUC
        tie_on_ordered = ((sj == 0) & (sh != 0)).sum(axis=(1, 2), dtype=np.int64)
        out[3, start:start + step] = (prod > 0).sum(axis=(1, 2), dtype=np.int64) + 0.5 * tie_on_ordered
    return out[0], out[1], out[2], out[3]


def kendall_and_pairwise(h: Array, j: Array) -> tuple[Array, Array]:
    """Kendall tau-b (scipy's default variant) and pairwise ranking accuracy: the share of item pairs
    the human orders that the judge orders the same way (a judge tie counts half)."""
    concordance, ordered_h, ordered_j, agree = _sign_sums(h, j)
    tau = _safe_div(concordance, np.sqrt(ordered_h * ordered_j))
    return tau, _safe_div(agree, ordered_h)


def kendall_and_pairwise_resampled(h: Array, j: Array, counts: Array) -> tuple[Array, Array]:
    """The same two figures for bootstrap resamples given as item counts (B x n: how often each of
    the n original items was drawn). A pair of drawn items is a pair of original items, so each
    sum over pairs is the quadratic form c' M c with M an n x n matrix of the originals: one matrix
    product instead of B sign matrices (2000 resamples of 300 items: 0.2 s instead of 12 s)."""
    sh = np.sign(h[:, None] - h[None, :])
    sj = np.sign(j[:, None] - j[None, :])

    def form(m: Array) -> Array:
        return np.einsum("bi,bi->b", counts @ m, counts)

    concordance = form(sh * sj)
    ordered_h, ordered_j = form(np.abs(sh)), form(np.abs(sj))
    agree = form((sh * sj > 0) + 0.5 * ((sj == 0) & (sh != 0)))
    tau = _safe_div(concordance, np.sqrt(ordered_h * ordered_j))
    return tau, _safe_div(agree, ordered_h)


def mae(h: Array, j: Array) -> Array:
    return np.mean(np.abs(j - h), axis=-1)


def bias(h: Array, j: Array) -> Array:
    """Mean signed difference judge - human: positive means a lenient judge."""
    return np.mean(j - h, axis=-1)


def within(h: Array, j: Array, k: float) -> Array:
    return np.mean(np.abs(j - h) <= k + 1e-9, axis=-1)
