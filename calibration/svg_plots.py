"""Static SVG plots for the agreement page, drawn here so the page needs no library, script or network.

Each plot is an <svg class="plot KIND"> whose marks carry data-* attributes (the item, the values),
so a browser test can check what was drawn and where.
"""

from __future__ import annotations

from html import escape

W, H = 300, 260
PAD_L, PAD_R, PAD_T, PAD_B = 44, 12, 14, 38


class _Axes:
    """Linear maps from data to pixels for one plot."""

    def __init__(self, x_lo: float, x_hi: float, y_lo: float, y_hi: float):
        self.x_lo, self.x_hi = x_lo, (x_hi if x_hi > x_lo else x_lo + 1)
        self.y_lo, self.y_hi = y_lo, (y_hi if y_hi > y_lo else y_lo + 1)

    def x(self, v: float) -> float:
        return PAD_L + (v - self.x_lo) / (self.x_hi - self.x_lo) * (W - PAD_L - PAD_R)

    def y(self, v: float) -> float:
        return H - PAD_B - (v - self.y_lo) / (self.y_hi - self.y_lo) * (H - PAD_T - PAD_B)


def _ticks(lo: float, hi: float, count: int = 5) -> list[float]:
    step = (hi - lo) / count if hi > lo else 1
    return [lo + i * step for i in range(count + 1)]


def _frame(ax: _Axes, x_label: str, y_label: str, y_steps: int = 5) -> list[str]:
    parts = [f'<rect x="{PAD_L}" y="{PAD_T}" width="{W - PAD_L - PAD_R}" height="{H - PAD_T - PAD_B}" class="frame"/>']
    for t in _ticks(ax.x_lo, ax.x_hi):
        parts.append(f'<text x="{ax.x(t):.1f}" y="{H - PAD_B + 14}" class="tick" text-anchor="middle">{t:g}</text>')
    for t in _ticks(ax.y_lo, ax.y_hi, y_steps):
        parts.append(f'<text x="{PAD_L - 5}" y="{ax.y(t) + 4:.1f}" class="tick" text-anchor="end">{t:.3g}</text>')
    parts.append(f'<text x="{(PAD_L + W - PAD_R) / 2}" y="{H - 6}" class="label" '
                 f'text-anchor="middle">{escape(x_label)}</text>')
    parts.append(f'<text x="12" y="{(PAD_T + H - PAD_B) / 2}" class="label" text-anchor="middle" '
                 f'transform="rotate(-90 12 {(PAD_T + H - PAD_B) / 2})">{escape(y_label)}</text>')
    return parts


def _identity(ax: _Axes, top: float) -> str:
    return f'<line class="identity" x1="{ax.x(0):.1f}" y1="{ax.y(0):.1f}" x2="{ax.x(top):.1f}" y2="{ax.y(top):.1f}"/>'


def _svg(kind: str, title: str, body: list[str], extra: str = "") -> str:
    return (f'<svg class="plot {kind}" viewBox="0 0 {W} {H}" width="{W}" height="{H}" role="img" '
            f'aria-label="{escape(title)}"{extra}><title>{escape(title)}</title>'
            + "".join(body) + "</svg>")


def scatter(pairs: list[dict], top: float) -> str:
    """Judge against human with the identity line; overlapping points are drawn larger."""
    ax = _Axes(0, top, 0, top)
    body = _frame(ax, "human score", "judge score")
    body.append(_identity(ax, top))
    counts: dict[tuple[float, float], list[str]] = {}
    for p in pairs:
        counts.setdefault((p["human"], p["judge"]), []).append(p["item"])
    for (h, j), items in sorted(counts.items()):
        r = 3.5 + 1.5 * (len(items) - 1) ** 0.5
        body.append(f'<circle class="point" cx="{ax.x(h):.1f}" cy="{ax.y(j):.1f}" r="{r:.1f}" data-human="{h:g}" '
                    f'data-judge="{j:g}" data-items="{escape(" ".join(items))}"><title>{escape(", ".join(items))}: '
                    f'human {h:g}, judge {j:g}</title></circle>')
    return _svg("scatter", "judge against human scores", body, f' data-points="{len(pairs)}"')


def calibration_curve(pairs: list[dict], top: float) -> str:
    """Mean human score for each judge score (the judge's promise against what humans gave)."""
    ax = _Axes(0, top, 0, top)
    body = _frame(ax, "judge score", "mean human score")
    body.append(_identity(ax, top))
    groups: dict[float, list[float]] = {}
    for p in pairs:
        groups.setdefault(p["judge"], []).append(p["human"])
    points = [(j, sum(hs) / len(hs), len(hs)) for j, hs in sorted(groups.items())]
    if points:
        path = " ".join(f"{ax.x(j):.1f},{ax.y(m):.1f}" for j, m, _ in points)
        body.append(f'<polyline class="curve" points="{path}"/>')
    for j, m, n in points:
        body.append(f'<circle class="bin" cx="{ax.x(j):.1f}" cy="{ax.y(m):.1f}" r="{3 + min(n, 9) ** 0.5:.1f}" '
                    f'data-judge="{j:g}" data-mean-human="{m:.4g}" data-n="{n}"><title>judge {j:g}: mean human '
                    f'{m:.3g} over {n} item(s)</title></circle>')
    return _svg("calibration", "calibration curve", body, f' data-bins="{len(points)}"')


def bland_altman(pairs: list[dict], top: float) -> str:
    """Difference judge - human against the mean of the two, with the bias and 95% limits of agreement."""
    if not pairs:
        return _svg("bland-altman", "Bland-Altman", [], ' data-points="0"')
    diffs = [p["judge"] - p["human"] for p in pairs]
    means = [(p["judge"] + p["human"]) / 2 for p in pairs]
    mean_d = sum(diffs) / len(diffs)
    sd = (sum((d - mean_d) ** 2 for d in diffs) / (len(diffs) - 1)) ** 0.5 if len(diffs) > 1 else 0.0
    span = max(max(abs(d) for d in diffs), abs(mean_d) + 1.96 * sd, 1.0)
    ax = _Axes(0, top, -span, span)
    body = _frame(ax, "mean of human and judge", "judge - human", y_steps=4)
    for cls, v in (("zero", 0.0), ("bias", mean_d), ("limit", mean_d + 1.96 * sd), ("limit", mean_d - 1.96 * sd)):
        body.append(f'<line class="{cls}" x1="{PAD_L}" x2="{W - PAD_R}" y1="{ax.y(v):.1f}" y2="{ax.y(v):.1f}" '
                    f'data-value="{v:.4g}"/>')
    for p, m, d in zip(pairs, means, diffs):
        body.append(f'<circle class="point" cx="{ax.x(m):.1f}" cy="{ax.y(d):.1f}" r="3.5" data-diff="{d:g}">'
                    f'<title>{escape(p["item"])}: mean {m:g}, difference {d:+g}</title></circle>')
    return _svg("bland-altman", "Bland-Altman", body, f' data-points="{len(pairs)}" data-bias="{mean_d:.4g}"')


def confusion(tiers: dict | None) -> str:
    """Tier confusion matrix: rows human, columns judge; darker cells hold more items."""
    if not tiers:
        return _svg("confusion", "tier confusion matrix", [], ' data-cells="0"')
    labels, matrix = tiers["labels"], tiers["matrix"]
    k = len(labels)
    cell = min((W - PAD_L - PAD_R) / k, (H - PAD_T - PAD_B) / k)
    top = max((v for row in matrix for v in row), default=0) or 1
    body = []
    for i, row in enumerate(matrix):
        body.append(f'<text x="{PAD_L - 6}" y="{PAD_T + (i + 0.5) * cell + 4:.1f}" class="tick" '
                    f'text-anchor="end">{escape(labels[i])}</text>')
        for jx, v in enumerate(row):
            shade = 0.08 + 0.8 * v / top
            x, y = PAD_L + jx * cell, PAD_T + i * cell
            kind = "cell diagonal" if i == jx else "cell"
            body.append(f'<rect class="{kind}" x="{x:.1f}" y="{y:.1f}" width="{cell:.1f}" '
                        f'height="{cell:.1f}" fill-opacity="{shade:.2f}" data-human="{escape(labels[i])}" '
                        f'data-judge="{escape(labels[jx])}" data-count="{v}"/>')
            body.append(f'<text x="{x + cell / 2:.1f}" y="{y + cell / 2 + 4:.1f}" class="count" '
                        f'text-anchor="middle">{v}</text>')
    for jx, name in enumerate(labels):
        body.append(f'<text x="{PAD_L + (jx + 0.5) * cell:.1f}" y="{PAD_T + k * cell + 14:.1f}" class="tick" '
                    f'text-anchor="middle">{escape(name)}</text>')
    body.append(f'<text x="{PAD_L + k * cell / 2:.1f}" y="{H - 6}" class="label" text-anchor="middle">judge tier '
                f'(rows: human tier)</text>')
    return _svg("confusion", "tier confusion matrix", body, f' data-cells="{k * k}"')
