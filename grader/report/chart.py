"""An SVG chart (inline, self-contained) comparing every dimension across the runs of a leaderboard.

One lane per dimension; each run is a dot at its share of the dimension's points, dots of equal share
stacked so none hides another: up to MAX_STACK high, then in more columns beside the first (runs of
one brief often tie, and 50 dots in one column would make a lane 350 units tall), a tick at the median,
and a <title> on every dot naming the run (a browser shows it on hover). Dimension titles too long for
the label column wrap onto a second line. Repo names are escaped: they come from the graded folders.
"""

from __future__ import annotations

from statistics import median

from markupsafe import Markup, escape

from grader.report.leaderboard import Leaderboard, LeaderDim, LeaderRow

LABEL_W = 230  # room for the dimension titles on the left
PLOT_W = 560
MIN_LANE_H = 44
DOT_R = 4
STEP = DOT_R * 2 - 1  # distance between stacked dots
MAX_STACK = 9  # dots in one column of a stack before the next column starts
LABEL_CHARS = 30  # characters of a dimension title per line (12px text in LABEL_W - 10)
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


def _label_lines(title: str) -> list[str]:
    """The title in at most two lines of about LABEL_CHARS, split between words."""
    words, lines = title.split(), [""]
    for word in words:
        if lines[-1] and len(lines[-1]) + 1 + len(word) > LABEL_CHARS and len(lines) < 2:
            lines.append(word)
        else:
            lines[-1] = f"{lines[-1]} {word}".strip()
    return lines


def _label(title: str, mid: float) -> str:
    lines = _label_lines(title)
    first = mid + 4 - (len(lines) - 1) * 7  # two lines sit either side of the track
    spans = "".join(f'<tspan x="{LABEL_W - 10}" y="{first + i * 14:.1f}">{escape(line)}</tspan>'
                    for i, line in enumerate(lines))
    return f'<text class="dim" text-anchor="end"><title>{escape(title)}</title>{spans}</text>'


def _offset(n: int, x: float) -> tuple[float, float]:
    """Where the n-th dot of a stack goes relative to the stack's place: rows alternate above and below
    the track (0, -1, +1, -2, +2 ...) up to MAX_STACK, then the next column; columns alternate right and
    left, only rightwards at the left end of the scale and leftwards at the right end (dots stay in the plot)."""
    col, row = divmod(n, MAX_STACK)
    dy = ((row + 1) // 2) * STEP * (1 if row % 2 else -1)
    if x <= LABEL_W + 3 * STEP:
        return col * STEP, dy
    if x >= LABEL_W + PLOT_W - 3 * STEP:
        return -col * STEP, dy
    return ((col + 1) // 2) * STEP * (1 if col % 2 else -1), dy


def _lane(head, points, y0: float, lane_h: float) -> str:
    mid = y0 + lane_h / 2
    out = [f'<g class="lane" data-dimension="{escape(head.id)}">{_label(head.title, mid)}'
           f'<line class="track" x1="{LABEL_W}" y1="{mid:.1f}" x2="{LABEL_W + PLOT_W}" y2="{mid:.1f}"/>']
    for r, got, x, n in points:
        dx, dy = _offset(n, x)
        x += dx
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
        tallest = min(max((n for *_, n in points), default=0), MAX_STACK - 1)
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
