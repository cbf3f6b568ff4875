"""An SVG chart (inline, self-contained) comparing every dimension across the runs of a leaderboard.

One lane per dimension; each run is a dot at its share of the dimension's points, dots of equal share
stacked so none hides another (a lane grows to fit its tallest stack), a tick at the median, and a
<title> on every dot naming the run (a browser shows it on hover). Repo names are escaped: they come
from the graded folders.
"""

from __future__ import annotations

from statistics import median

from markupsafe import Markup, escape

from grader.report.leaderboard import Leaderboard, LeaderDim, LeaderRow

LABEL_W = 230  # room for the dimension titles on the left
PLOT_W = 560
MIN_LANE_H = 44
DOT_R = 4
STEP = DOT_R * 2 - 1  # vertical distance between stacked dots
TOP = 28


def _x(share: float) -> float:
    return LABEL_W + PLOT_W * max(0.0, min(1.0, share))


def _lane_points(rows: list[LeaderRow], dim_id: str) -> list[tuple[LeaderRow, LeaderDim, float, int]]:
    """(row, its dimension, x, place in its stack) for every run that has this dimension."""
    out = []
    stacked: dict[int, int] = {}
    for r in rows:
        got = r.dim(dim_id)
        if got is None or not got.max:
            continue
        x = _x(got.score / got.max)
        n = stacked.get(round(x), 0)
        stacked[round(x)] = n + 1
        out.append((r, got, x, n))
    return out


def _lane(head, points, y0: float, lane_h: float) -> str:
    mid = y0 + lane_h / 2
    out = [f'<g class="lane" data-dimension="{escape(head.id)}">'
           f'<text class="dim" x="{LABEL_W - 10}" y="{mid + 4:.1f}" text-anchor="end">{escape(head.title)}</text>'
           f'<line class="track" x1="{LABEL_W}" y1="{mid:.1f}" x2="{LABEL_W + PLOT_W}" y2="{mid:.1f}"/>']
    for r, got, x, n in points:
        dy = ((n + 1) // 2) * STEP * (1 if n % 2 else -1)  # 0, -1, +1, -2, +2 ... steps around the track
        pend = f" +{got.pending_points:g} pending" if got.pending_points else ""
        out.append(f'<circle class="run{" pend" if got.pending_points else ""}" cx="{x:.1f}" cy="{mid + dy:.1f}" '
                   f'r="{DOT_R}" data-repo="{escape(r.name)}"><title>{escape(r.name)}: {got.score:g}/{got.max:g}'
                   f'{pend}</title></circle>')
    if points:
        share = median(got.score / got.max for _, got, _, _ in points)
        xm = _x(share)
        out.append(f'<line class="median" x1="{xm:.1f}" y1="{y0 + 4}" x2="{xm:.1f}" y2="{y0 + lane_h - 4}">'
                   f'<title>median {share * 100:.0f}%</title></line>')
    out.append("</g>")
    return "".join(out)


def dimension_chart(board: Leaderboard) -> Markup:
    graded = [r for r in board.rows if r.error is None and r.dimensions]
    if not board.dimensions or not graded:
        return Markup("")
    lanes = []
    for head in board.dimensions:
        points = _lane_points(graded, head.id)
        tallest = max((n for *_, n in points), default=0)
        lanes.append((head, points, max(MIN_LANE_H, (tallest + 1) * STEP + 2 * DOT_R + 6)))
    height = TOP + sum(h for *_, h in lanes) + 24
    out = [f'<svg class="chart" role="img" viewBox="0 0 {LABEL_W + PLOT_W + 20} {height:.0f}" '
           f'aria-label="Share of each dimension earned by each of {len(graded)} runs">']
    for pct in (0, 25, 50, 75, 100):
        x = _x(pct / 100)
        out.append(f'<line class="grid" x1="{x:.1f}" y1="{TOP - 6}" x2="{x:.1f}" y2="{height - 20:.0f}"/>'
                   f'<text class="axis" x="{x:.1f}" y="{height - 6:.0f}" text-anchor="middle">{pct}%</text>')
    y0 = TOP
    for head, points, lane_h in lanes:
        out.append(_lane(head, points, y0, lane_h))
        y0 += lane_h
    out.append("</svg>")
    return Markup("".join(out))
