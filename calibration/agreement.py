"""The agreement report: human scores against judge scores, per dimension, per criterion and total,
plus the human-human ceiling and the judge's own reliability (test-retest, panel).

Pairing: a key is (item, dimension, criterion or none). The human score of a key is the mean of its
raters; the judge score is the median of a model's samples, and across a panel the median of the
models. The result is a JSON-ready dict (the `--format json` contract of `grader calibrate compare`).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from itertools import combinations

import numpy as np

from calibration.figures import MIN_MEANINGFUL, Scale, compute_block
from calibration.scores import HumanScore, JudgeScore

Key = tuple[str, str, "str | None"]


class AgreementError(ValueError):
    """The two files cannot be compared at all (exit 2)."""


@dataclass
class Settings:
    resamples: int = 2000
    seed: int = 0
    within_k: float = 2.0


def human_consensus(rows: list[HumanScore]) -> dict[Key, float]:
    by_key: dict[Key, list[float]] = defaultdict(list)
    for r in rows:
        by_key[r.key].append(r.score)
    return {k: float(np.mean(v)) for k, v in by_key.items()}


def judge_by_model(rows: list[JudgeScore]) -> dict[str, dict[Key, list[float]]]:
    out: dict[str, dict[Key, list[float]]] = defaultdict(lambda: defaultdict(list))
    for r in sorted(rows, key=lambda r: r.sample):
        out[r.model][r.key].append(r.score)
    return {m: dict(v) for m, v in out.items()}


def judge_medians(rows: list[JudgeScore], model: str | None = None) -> dict[Key, float]:
    """Median of samples per model, then median across models (the panel's score)."""
    per_model = judge_by_model(rows)
    if model is not None:
        per_model = {model: per_model.get(model, {})}
    keyed: dict[Key, list[float]] = defaultdict(list)
    for samples_by_key in per_model.values():
        for key, samples in samples_by_key.items():
            keyed[key].append(float(np.median(samples)))
    return {k: float(np.median(v)) for k, v in keyed.items()}


def _scale_for(block: str, level: str, rubric, observed: np.ndarray) -> Scale | None:
    if rubric is None:
        return Scale(max=float(max(observed.max(initial=0.0), 1.0)))
    tiers = tuple((t.name, float(t.min)) for t in rubric.tiers)
    if level == "dimensions":
        top = next((d.max for d in rubric.dimensions if d.id == block), None)
    else:
        top = next((c.points for c in rubric.judge_criteria if c.id == block), None)
    if top is None:
        return Scale(max=float(max(observed.max(initial=0.0), 1.0)))
    return Scale(max=float(top), tiers=tiers, rubric_total=float(rubric.max_total))


def _blocks(human: dict[Key, float], judge: dict[Key, float], rubric, st: Settings,
            role=("human", "judge")) -> dict:
    """dimensions / criteria / total blocks over the keys both sides scored."""
    paired = sorted(set(human) & set(judge), key=lambda k: (k[1], k[2] or "", k[0]))
    groups: dict[tuple[str, str], list[Key]] = defaultdict(list)
    for key in paired:
        level, name = ("criteria", key[2]) if key[2] else ("dimensions", key[1])
        groups[(level, name)].append(key)
    out: dict = {"dimensions": {}, "criteria": {}}
    for (level, name), keys in sorted(groups.items()):
        h = np.array([human[k] for k in keys])
        j = np.array([judge[k] for k in keys])
        scale = _scale_for(name, level, rubric, np.concatenate([h, j]))
        out[level][name] = compute_block(h, j, scale, items=[k[0] for k in keys], resamples=st.resamples,
                                         seed=st.seed, within_k=st.within_k, role=role)
    out["total"] = _total_block(human, judge, paired, rubric, st, role)
    return out


def _total_block(human, judge, paired: list[Key], rubric, st: Settings, role) -> dict | None:
    """Per item, the sum over the dimensions scored on both sides; items missing one of them are left
    out (a partial sum is not comparable). Criterion scores sum instead when no dimension is scored."""
    dim_keys = [k for k in paired if k[2] is None]
    level_keys = dim_keys or paired
    if not level_keys:
        return None
    parts = sorted({(k[1], k[2]) for k in level_keys}, key=lambda p: (p[0], p[1] or ""))
    by_item: dict[str, set] = defaultdict(set)
    for k in level_keys:
        by_item[k[0]].add((k[1], k[2]))
    full = sorted(i for i, got in by_item.items() if len(got) == len(parts))
    h = np.array([sum(human[(i, d, c)] for d, c in parts) for i in full])
    j = np.array([sum(judge[(i, d, c)] for d, c in parts) for i in full])
    top = _parts_max(parts, rubric)
    scale = None
    if rubric is not None and top:
        scale = Scale(max=top, tiers=tuple((t.name, float(t.min)) for t in rubric.tiers),
                      rubric_total=float(rubric.max_total))
    elif len(h):
        scale = Scale(max=float(max(h.max(), j.max(), 1.0)))
    block = compute_block(h, j, scale, items=full, resamples=st.resamples, seed=st.seed, within_k=st.within_k,
                          role=role)
    what = "dimensions" if dim_keys else "criteria"
    block["over"] = {what: [c or d for d, c in parts]}
    left_out = sorted(set(by_item) - set(full))
    if left_out:
        block["notes"].append(f"total leaves out item(s) {', '.join(left_out)}: "
                              f"not every {what[:-1]} is scored on both sides")
    return block


def _parts_max(parts, rubric) -> float | None:
    if rubric is None:
        return None
    total = 0.0
    for dim, crit in parts:
        if crit:
            found = next((c.points for c in rubric.judge_criteria if c.id == crit), None)
        else:
            found = next((d.max for d in rubric.dimensions if d.id == dim), None)
        if found is None:
            return None
        total += found
    return total


def _ceiling(rows: list[HumanScore], rubric, st: Settings) -> dict | None:
    """The same figures between two human raters, on keys with two or more of them (first two raters
    by name), plus Krippendorff's alpha over all named raters."""
    by_key: dict[Key, list[HumanScore]] = defaultdict(list)
    for r in rows:
        by_key[r.key].append(r)
    multi = {k: sorted(v, key=lambda r: r.rater) for k, v in by_key.items() if len(v) >= 2}
    if not multi:
        return None
    first = {k: v[0].score for k, v in multi.items()}
    second = {k: v[1].score for k, v in multi.items()}
    out = _blocks(first, second, rubric, st, role=("rater A", "rater B"))
    out["keys_with_two_raters"] = len(multi)
    raters = sorted({r.rater for r in rows if r.rater})
    if len(raters) >= 2:
        out["alpha_all_raters"] = _alpha_all_raters(rows, raters)
    return out


def _alpha_all_raters(rows: list[HumanScore], raters: list[str]) -> dict:
    import krippendorff

    out = {}
    levels: dict[str, list[Key]] = defaultdict(list)
    for key in sorted({r.key for r in rows}, key=lambda k: (k[1], k[2] or "", k[0])):
        levels[key[2] or key[1]].append(key)
    for name, keys in levels.items():
        data = np.full((len(raters), len(keys)), np.nan)
        col = {k: i for i, k in enumerate(keys)}
        for r in rows:
            if r.rater and r.key in col:
                data[raters.index(r.rater), col[r.key]] = r.score
        pairable = np.sum(np.sum(~np.isnan(data), axis=0) >= 2)
        values = data[~np.isnan(data)]
        if pairable < 1 or len(np.unique(values)) < 2:
            out[name] = None
            continue
        out[name] = round(float(krippendorff.alpha(reliability_data=data, level_of_measurement="interval")), 12)
    return out


def _test_retest(rows: list[JudgeScore]) -> dict:
    """Spread of a model's samples on the same key: how much the judge disagrees with itself."""
    out: dict = {}
    for model, by_key in sorted(judge_by_model(rows).items()):
        groups: dict[str, list[list[float]]] = defaultdict(list)
        for key, samples in by_key.items():
            if len(samples) >= 2:
                groups[key[2] or key[1]].append(samples)
        model_out = {}
        for name, sample_lists in sorted(groups.items()):
            sds = [float(np.std(s, ddof=1)) for s in sample_lists]
            ranges = [float(np.ptp(s)) for s in sample_lists]
            model_out[name] = {"keys": len(sample_lists), "mean_sd": round(float(np.mean(sds)), 12),
                               "mean_range": round(float(np.mean(ranges)), 12), "max_range": max(ranges),
                               "identical_share": round(sum(r == 0 for r in ranges) / len(ranges), 12),
                               "alpha_interval": _alpha_samples(sample_lists)}
        if model_out:
            out[model] = model_out
    return out


def _alpha_samples(sample_lists: list[list[float]]) -> float | None:
    import krippendorff

    width = max(len(s) for s in sample_lists)
    data = np.full((width, len(sample_lists)), np.nan)
    for col, s in enumerate(sample_lists):
        data[: len(s), col] = s
    if len(np.unique(data[~np.isnan(data)])) < 2:
        return None  # every sample identical everywhere: perfectly stable, alpha undefined
    return round(float(krippendorff.alpha(reliability_data=data, level_of_measurement="interval")), 12)


def _unpaired(human: dict[Key, float], judge: dict[Key, float]) -> dict:
    h_items = {k[0] for k in human}
    j_items = {k[0] for k in judge}
    h_scored = {k[2] or k[1] for k in human}
    j_scored = {k[2] or k[1] for k in judge}
    return {"human_only_items": sorted(h_items - j_items), "judge_only_items": sorted(j_items - h_items),
            "human_only_keys": len(set(human) - set(judge)), "judge_only_keys": len(set(judge) - set(human)),
            "human_only_scored": sorted(h_scored - j_scored), "judge_only_scored": sorted(j_scored - h_scored)}


def compare(human_rows: list[HumanScore], judge_rows: list[JudgeScore], rubric=None,
            settings: Settings | None = None) -> dict:
    """The full agreement report. Raises AgreementError when nothing pairs."""
    from threadpoolctl import threadpool_limits

    # The matrices are small: BLAS threads only fight each other (and other processes) over the cores;
    # one thread measured 4 ms instead of 78 ms for a 30-item block on a loaded 2-core machine.
    with threadpool_limits(limits=1, user_api="blas"):
        return _compare(human_rows, judge_rows, rubric, settings)


def _compare(human_rows: list[HumanScore], judge_rows: list[JudgeScore], rubric, settings: Settings | None) -> dict:
    st = settings or Settings()
    human = human_consensus(human_rows)
    judge = judge_medians(judge_rows)
    paired = set(human) & set(judge)
    unpaired = _unpaired(human, judge)
    if not paired:
        raise AgreementError(_no_pairs_message(human, judge))
    report: dict = {"items": len({k[0] for k in paired})}
    report.update(_blocks(human, judge, rubric, st))
    notes = []
    if unpaired["human_only_items"]:
        notes.append(f"item(s) with human scores but no judge score: {', '.join(unpaired['human_only_items'])}")
    if unpaired["judge_only_items"]:
        notes.append(f"item(s) with judge scores but no human score: {', '.join(unpaired['judge_only_items'])}")
    if unpaired["human_only_scored"]:
        notes.append(f"scored by humans but never by the judge: {', '.join(unpaired['human_only_scored'])}")
    if unpaired["judge_only_scored"]:
        notes.append(f"scored by the judge but never by humans: {', '.join(unpaired['judge_only_scored'])}")
    if report["items"] < MIN_MEANINGFUL:
        notes.append(f"only {report['items']} paired items (fewer than {MIN_MEANINGFUL}): figures are not meaningful")
    models = sorted({r.model for r in judge_rows})
    if len(models) > 1:
        report["models"] = {m: _blocks(human, judge_medians(judge_rows, m), rubric, st) for m in models}
        report["panel"] = {
            f"{a} vs {b}": _blocks(judge_medians(judge_rows, a), judge_medians(judge_rows, b), rubric, st, role=(a, b))
            for a, b in combinations(models, 2)}
    report["ceiling"] = _ceiling(human_rows, rubric, st)
    report["test_retest"] = _test_retest(judge_rows)
    report["unpaired"] = unpaired
    report["judge_models"] = models
    report["settings"] = {"resamples": st.resamples, "seed": st.seed, "within_k": st.within_k,
                          "rubric": getattr(rubric, "id", None), "human_score": "mean of raters",
                          "judge_score": "median of samples, then median across models"}
    report["notes"] = notes
    return report


def _no_pairs_message(human: dict[Key, float], judge: dict[Key, float]) -> str:
    h_items = sorted({k[0] for k in human})
    j_items = sorted({k[0] for k in judge})
    if not set(h_items) & set(j_items):
        return (f"no item id appears in both files: human has {_few(h_items)}; judge has {_few(j_items)}")
    h_dims = sorted({k[2] or k[1] for k in human})
    j_dims = sorted({k[2] or k[1] for k in judge})
    return (f"items match but no dimension/criterion is scored on both sides: human scores {', '.join(h_dims)}; "
            f"judge scores {', '.join(j_dims)}")


def _few(names: list[str]) -> str:
    return ", ".join(names[:5]) + ("..." if len(names) > 5 else "")
