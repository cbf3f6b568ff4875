"""Correction profiles: a monotone map judge score -> human score per judge model and per scored thing
(a holistic dimension `dimension:<id>` or a rubric criterion), fitted by isotonic regression.

The map is stored as its breakpoints and applied by linear interpolation between them (what
scikit-learn's IsotonicRegression.predict does with out_of_bounds="clip"), so applying a profile
needs numpy only. Its honest error is the out-of-sample one (leave-one-out up to 30 items, else
5-fold), reported beside the in-sample error and the raw judge's error.

A profile is keyed by judge model, prompt version (the judge's template hash) and rubric version
(id plus a hash of its content): it is applied only where all three match.
"""

from __future__ import annotations

import hashlib
import json
from datetime import datetime, timezone

import numpy as np

from calibration.agreement import human_consensus, judge_by_model
from calibration.judge_scores import HOLISTIC_PREFIX
from calibration.scores import HumanScore, JudgeScore

PROFILE_SCHEMA = "grader-calibration-profile/1"
LOO_UP_TO = 30
MIN_FIT = 3


class ProfileError(ValueError):
    pass


def rubric_version(rubric) -> dict:
    canonical = json.dumps(rubric.model_dump(mode="json"), sort_keys=True, separators=(",", ":"))
    return {"id": rubric.id, "hash": hashlib.sha256(canonical.encode()).hexdigest()[:16]}


def map_name(dimension: str, criterion: str | None) -> str:
    return criterion if criterion else f"{HOLISTIC_PREFIX}{dimension}"


def _max_for(name: str, rubric) -> float | None:
    if name.startswith(HOLISTIC_PREFIX):
        dim = name[len(HOLISTIC_PREFIX):]
        return next((d.max for d in rubric.dimensions if d.id == dim), None)
    return next((c.points for c in rubric.judge_criteria if c.id == name), None)


def _fit(x: np.ndarray, y: np.ndarray, top: float):
    from sklearn.isotonic import IsotonicRegression

    return IsotonicRegression(y_min=0.0, y_max=top, increasing=True, out_of_bounds="clip").fit(x, y)


def _out_of_sample(x: np.ndarray, y: np.ndarray, top: float, seed: int) -> tuple[np.ndarray, str]:
    from sklearn.model_selection import KFold, LeaveOneOut

    splitter = LeaveOneOut() if len(x) <= LOO_UP_TO else KFold(n_splits=5, shuffle=True, random_state=seed)
    predicted = np.empty_like(y)
    for train, test in splitter.split(x):
        predicted[test] = _fit(x[train], y[train], top).predict(x[test])
    return predicted, ("leave-one-out" if len(x) <= LOO_UP_TO else "5-fold")


def _one_map(x: np.ndarray, y: np.ndarray, top: float, seed: int) -> dict:
    model = _fit(x, y, top)
    oos, method = _out_of_sample(x, y, top, seed)
    raw = float(np.mean(np.abs(x - y)))
    held_out = float(np.mean(np.abs(oos - y)))
    return {
        "x": [float(v) for v in model.X_thresholds_], "y": [float(v) for v in model.y_thresholds_],
        "n": int(len(x)), "max": float(top), "validation": method,
        "mae_raw": round(raw, 6),
        "mae_in_sample": round(float(np.mean(np.abs(model.predict(x) - y))), 6),
        "mae_out_of_sample": round(held_out, 6),
        # A map that does worse than the raw judge on held-out items is kept for the record, never applied.
        "improves": bool(held_out < raw - 1e-9),
    }


def fit_profile(human_rows: list[HumanScore], judge_rows: list[JudgeScore], rubric, *,
                prompt_version: str | None, seed: int = 0) -> dict:
    human = human_consensus(human_rows)
    notes: list[str] = []
    models: dict[str, dict] = {}
    for model, by_key in sorted(judge_by_model(judge_rows).items()):
        grouped: dict[str, list[tuple[float, float]]] = {}
        for key, samples in by_key.items():
            if key in human:
                grouped.setdefault(map_name(key[1], key[2]), []).append((float(np.median(samples)), human[key]))
        maps = {}
        for name, pairs in sorted(grouped.items()):
            top = _max_for(name, rubric)
            if top is None:
                notes.append(f"{model} {name}: not in rubric {rubric.id}, no map")
                continue
            if len(pairs) < MIN_FIT:
                notes.append(f"{model} {name}: only {len(pairs)} paired item(s), no map fitted (needs {MIN_FIT})")
                continue
            if len(pairs) < 5:
                notes.append(f"{model} {name}: fitted on {len(pairs)} items only: not meaningful")
            x = np.array([p[0] for p in pairs])
            y = np.array([p[1] for p in pairs])
            maps[name] = _one_map(x, y, top, seed)
            if not maps[name]["improves"]:
                notes.append(f"{model} {name}: out-of-sample MAE {maps[name]['mae_out_of_sample']:g} is not below the "
                             f"raw judge's {maps[name]['mae_raw']:g}: the map will not be applied")
        if maps:
            models[model] = maps
    if not models:
        raise ProfileError("no judge score pairs with a human score: nothing to fit")
    return {"schema": PROFILE_SCHEMA, "created_at": datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ"),
            "key": {"judge_models": sorted(models), "prompt_version": prompt_version, "rubric": rubric_version(rubric)},
            "models": models, "notes": notes}


def load_profile(path) -> dict:
    from pathlib import Path

    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ProfileError(f"{path}: no such profile file") from None
    except (OSError, ValueError) as exc:
        raise ProfileError(f"{path}: not a readable JSON profile ({exc})") from None
    if not isinstance(data, dict) or data.get("schema") != PROFILE_SCHEMA or not isinstance(data.get("models"), dict):
        raise ProfileError(f"{path}: not a calibration profile (expected schema {PROFILE_SCHEMA})")
    return data


def map_score(m: dict, score: float) -> float:
    value = float(np.interp(score, m["x"], m["y"]))  # clamps outside the fitted range, like clip
    return min(max(value, 0.0), float(m["max"]))


def _mismatch(judge_report, rubric, profile: dict) -> str | None:
    key = profile.get("key") or {}
    want = key.get("rubric") or {}
    have = rubric_version(rubric)
    if want.get("id") != have["id"]:
        return f"it was fitted on rubric {want.get('id')}, this grade uses {have['id']}"
    if want.get("hash") != have["hash"]:
        return f"rubric {have['id']} changed since the profile was fitted (hash {want.get('hash')} -> {have['hash']})"
    if key.get("prompt_version") != judge_report.prompt_version:
        return (f"it was fitted on judge prompt version {key.get('prompt_version')}, "
                f"this grade used {judge_report.prompt_version}")
    return None


def apply_profile(judge_report, rubric, profile: dict):
    """(a copy of judge_report with raw_score/calibrated_score set and score = calibrated, a note).

    Only verdicts with a score, whose model and criterion have a map, change; the note says what
    was applied, or why nothing was."""
    mismatch = _mismatch(judge_report, rubric, profile)
    out = judge_report.model_copy(deep=True)
    if mismatch:
        return out, f"calibration profile not applied: {mismatch}"
    applied = 0
    unmapped: set[str] = set()
    not_better: set[str] = set()
    for v in out.verdicts:
        if v.score is None or v.status not in ("scored", "unstable"):
            continue
        m = (profile["models"].get(v.model) or {}).get(v.criterion)
        if m is None:
            unmapped.add(f"{v.model} {v.criterion}")
            continue
        if not m.get("improves", True):
            not_better.add(f"{v.model} {v.criterion}")
            continue
        raw = v.raw_score if v.raw_score is not None else v.score
        v.raw_score = raw
        v.calibrated_score = round(map_score(m, raw), 6)
        v.score = v.calibrated_score
        applied += 1
    note = f"calibration profile applied to {applied} verdict(s)"
    if unmapped:
        note += f"; no map for {', '.join(sorted(unmapped))}: raw scores kept"
    if not_better:
        note += f"; maps not better than the raw judge out of sample for {', '.join(sorted(not_better))}: raw kept"
    return out, note
