"""Plain-text agreement report: one table per block, the ceiling beside the judge, notes last."""

from __future__ import annotations

from calibration.figures import FIGURES

LABELS = {
    "qwk": "quadratic-weighted kappa", "alpha_interval": "Krippendorff alpha (interval)",
    "alpha_ordinal": "Krippendorff alpha (ordinal)", "spearman": "Spearman rho", "kendall": "Kendall tau-b",
    "pearson": "Pearson r", "mae": "mean absolute error", "bias": "bias (judge - human)",
    "within_1": "within 1 point", "within_k": "within k points", "pairwise_accuracy": "pairwise ranking accuracy",
    "tier_kappa": "Cohen kappa on tiers",
}


def fmt(value) -> str:
    return "undefined" if value is None else f"{value:.3f}"


def _ci(ci) -> str:
    return "" if not ci else f"[{fmt(ci[0])}, {fmt(ci[1])}]"


def _block_lines(title: str, block: dict, ceiling: dict | None) -> list[str]:
    top = f" out of {block['max']:g}" if block.get("max") else ""
    lines = [f"{title}: {block['n']} items{top}"]
    head = f"  {'figure':32} {'judge':>9}  {'95% CI':20}"
    if ceiling:
        head += f" {'human-human':>11} (n={ceiling['n']})"
    lines.append(head)
    for name in FIGURES:
        if name not in block:
            continue
        label = LABELS[name].replace("k points", f"{block.get('k', 2):g} points")
        row = f"  {label:32} {fmt(block[name]):>9}  {_ci(block['ci'].get(name)):20}"
        if ceiling:
            row += f" {fmt(ceiling.get(name)):>11}"
        lines.append(row.rstrip())
    tiers = block.get("tiers")
    if tiers:
        labels = tiers["labels"]
        lines.append("  tiers (rows human, columns judge): " + " ".join(f"{t:>4}" for t in labels))
        for name, row in zip(labels, tiers["matrix"]):
            lines.append(f"  {name:>35} " + " ".join(f"{v:>4}" for v in row))
    for note in block.get("notes", []):
        lines.append(f"  note: {note}")
    return lines


def render_text(report: dict) -> str:
    ceiling = report.get("ceiling") or {}
    lines = [f"Judge against human scores: {report['items']} items, judge model(s) {', '.join(report['judge_models'])}",
             f"(bootstrap {report['settings']['resamples']} resamples, seed {report['settings']['seed']}; "
             f"human = {report['settings']['human_score']}, judge = {report['settings']['judge_score']})", ""]
    if report.get("synthetic"):
        lines.insert(0, "SYNTHETIC data: the human scores were made up for tests and docs; do not quote these figures.")
    for level in ("dimensions", "criteria"):
        for name, block in report.get(level, {}).items():
            lines += _block_lines(f"{level[:-1] if level != 'criteria' else 'criterion'} {name}", block,
                                  (ceiling.get(level) or {}).get(name))
            lines.append("")
    if report.get("total"):
        over = ", ".join(next(iter(report["total"].get("over", {}).values()), []))
        lines += _block_lines(f"total ({over})", report["total"], ceiling.get("total"))
        lines.append("")
    for model, blocks in (report.get("models") or {}).items():
        for level in ("dimensions", "criteria"):
            for name, block in blocks.get(level, {}).items():
                lines.append(f"model {model}, {name}: n={block['n']} qwk={fmt(block['qwk'])} "
                             f"mae={fmt(block['mae'])} bias={fmt(block['bias'])}")
    for pair, blocks in (report.get("panel") or {}).items():
        for level in ("dimensions", "criteria"):
            for name, block in blocks.get(level, {}).items():
                lines.append(f"panel {pair}, {name}: n={block['n']} qwk={fmt(block['qwk'])} "
                             f"alpha={fmt(block['alpha_interval'])} mae={fmt(block['mae'])}")
    lines += _retest_lines(report.get("test_retest") or {})
    if not ceiling:
        lines.append("human-human ceiling: no item has two raters")
    elif ceiling.get("alpha_all_raters"):
        lines.append("human-human alpha (interval, all raters): " + ", ".join(
            f"{k} {fmt(v)}" for k, v in ceiling["alpha_all_raters"].items()))
    for note in report.get("notes", []):
        lines.append(f"warning: {note}")
    return "\n".join(lines).rstrip() + "\n"


def _retest_lines(retest: dict) -> list[str]:
    lines = []
    for model, blocks in retest.items():
        for name, b in blocks.items():
            lines.append(f"test-retest {model}, {name}: {b['keys']} keys, mean sd {fmt(b['mean_sd'])}, "
                         f"mean range {fmt(b['mean_range'])}, max range {b['max_range']:g}, "
                         f"identical {fmt(b['identical_share'])}, alpha {fmt(b['alpha_interval'])}")
    return lines
