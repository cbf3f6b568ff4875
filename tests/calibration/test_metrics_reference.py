"""Every figure equals its reference implementation to 1e-9 on random data."""

import warnings

import krippendorff
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.stats import kendalltau, pearsonr, spearmanr
from sklearn.metrics import cohen_kappa_score

from calibration import metrics

TOL = 1e-9


def _pair(draw, max_score):
    n = draw(st.integers(min_value=3, max_value=40))
    half = draw(st.booleans())  # half-point scores, as medians of samples produce
    step = 0.5 if half else 1.0
    values = st.integers(min_value=0, max_value=int(max_score / step)).map(lambda v: v * step)
    h = draw(st.lists(values, min_size=n, max_size=n))
    j = draw(st.lists(values, min_size=n, max_size=n))
    return np.array(h, float), np.array(j, float)


@st.composite
def pairs(draw):
    return _pair(draw, draw(st.sampled_from([2, 4, 5, 10, 15, 100])))


def _row(x):
    return x[None, :]


def _close(ours, ref):
    if np.isnan(ref):
        assert np.isnan(ours)
    else:
        assert ours == pytest.approx(ref, abs=TOL)


@settings(max_examples=150, deadline=None)
@given(pairs())
def test_qwk_matches_sklearn(pair):
    h, j = pair
    hb, jb = metrics.bin_to_int(h), metrics.bin_to_int(j)
    labels = np.arange(min(hb.min(), jb.min()), max(hb.max(), jb.max()) + 1)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        ref = cohen_kappa_score(hb, jb, weights="quadratic", labels=labels)
    _close(metrics.qwk(_row(hb), _row(jb))[0], ref)


@settings(max_examples=150, deadline=None)
@given(pairs())
def test_alpha_matches_krippendorff(pair):
    h, j = pair
    data = np.vstack([h, j])
    if len(np.unique(data)) < 2:
        # the package divides by zero here; ours reports undefined
        assert np.isnan(metrics.alpha_interval(_row(h), _row(j))[0])
        assert np.isnan(metrics.alpha_ordinal(_row(h), _row(j))[0])
        return
    ref_i = krippendorff.alpha(reliability_data=data, level_of_measurement="interval")
    ref_o = krippendorff.alpha(reliability_data=data, level_of_measurement="ordinal")
    _close(metrics.alpha_interval(_row(h), _row(j))[0], ref_i)
    _close(metrics.alpha_ordinal(_row(h), _row(j))[0], ref_o)


@settings(max_examples=150, deadline=None)
@given(pairs())
def test_correlations_match_scipy(pair):
    h, j = pair
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        ref_s = spearmanr(h, j).statistic
        ref_k = kendalltau(h, j).statistic
        ref_p = pearsonr(h, j).statistic if np.ptp(h) and np.ptp(j) else np.nan
    _close(metrics.spearman(_row(h), _row(j))[0], ref_s)
    tau, _ = metrics.kendall_and_pairwise(_row(h), _row(j))
    _close(tau[0], ref_k)
    _close(metrics.pearson(_row(h), _row(j))[0], ref_p)


@settings(max_examples=100, deadline=None)
@given(pairs(), st.integers(min_value=2, max_value=5))
def test_tier_kappa_matches_sklearn(pair, k):
    h, j = pair
    hi = (h.astype(int) % k)
    ji = (j.astype(int) % k)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        ref = cohen_kappa_score(hi, ji, labels=list(range(k)))
    _close(metrics.cohen_kappa_nominal(_row(hi), _row(ji), k)[0], ref)


def _pairwise_by_hand(h, j):
    good = total = 0.0
    for a in range(len(h)):
        for b in range(a + 1, len(h)):
            if h[a] == h[b]:
                continue
            total += 1
            dj = np.sign(j[a] - j[b])
            good += 1.0 if dj == np.sign(h[a] - h[b]) else 0.5 if dj == 0 else 0.0
    return good / total if total else np.nan


@settings(max_examples=100, deadline=None)
@given(pairs())
def test_pairwise_accuracy_by_hand(pair):
    h, j = pair
    _, acc = metrics.kendall_and_pairwise(_row(h), _row(j))
    _close(acc[0], _pairwise_by_hand(h, j))


def test_vectorised_rows_equal_single_rows():
    rng = np.random.default_rng(7)
    h = rng.integers(0, 11, size=(50, 30)).astype(float)
    j = np.clip(h + rng.integers(-2, 3, size=h.shape), 0, 10)
    for fn in (metrics.qwk, metrics.alpha_interval, metrics.alpha_ordinal, metrics.spearman, metrics.pearson):
        batch = fn(h, j)
        singles = np.array([fn(h[i:i + 1], j[i:i + 1])[0] for i in range(len(h))])
        np.testing.assert_allclose(batch, singles, atol=TOL)


def test_simple_figures():
    h = np.array([[0.0, 2, 4, 6]])
    j = np.array([[1.0, 2, 6, 6]])
    assert metrics.mae(h, j)[0] == pytest.approx(0.75)
    assert metrics.bias(h, j)[0] == pytest.approx(0.75)
    assert metrics.within(h, j, 1)[0] == pytest.approx(0.75)
    assert metrics.within(h, j, 2)[0] == pytest.approx(1.0)
    assert metrics.bin_to_int(np.array([7.5, 6.5, 0.49]))[0] == 8
    assert list(metrics.bin_to_int(np.array([7.5, 6.5, 0.49]))) == [8, 7, 0]


@settings(max_examples=60, deadline=None)
@given(pairs(), st.integers(min_value=0, max_value=2**31))
def test_resampled_kendall_equals_sign_matrices(pair, seed):
    """The count-based quadratic forms give the figures of the explicitly resampled data."""
    h, j = pair
    rng = np.random.default_rng(seed)
    idx = rng.integers(0, len(h), size=(20, len(h)))
    counts = np.stack([np.bincount(row, minlength=len(h)) for row in idx]).astype(float)
    tau_a, acc_a = metrics.kendall_and_pairwise(h[idx], j[idx])
    tau_b, acc_b = metrics.kendall_and_pairwise_resampled(h, j, counts)
    np.testing.assert_allclose(tau_a, tau_b, atol=TOL)
    np.testing.assert_allclose(acc_a, acc_b, atol=TOL)


@settings(max_examples=60, deadline=None)
@given(pairs(), st.integers(min_value=0, max_value=2**31))
def test_resampled_spearman_equals_scipy_on_each_resample(pair, seed):
    h, j = pair
    rng = np.random.default_rng(seed)
    idx = np.vstack([np.arange(len(h)), rng.integers(0, len(h), size=(15, len(h)))])
    counts = np.stack([np.bincount(row, minlength=len(h)) for row in idx]).astype(float)
    ours = metrics.spearman_resampled(h, j, counts)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        ref = np.array([spearmanr(h[row], j[row]).statistic for row in idx])
    np.testing.assert_allclose(ours, ref, atol=TOL)
