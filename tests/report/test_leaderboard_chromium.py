"""leaderboard.html with 50 runs in a real headless Chromium: the heat map's colours follow the
scores, every column sorts (ungraded rows stay last), and the SVG chart has one dot per run in
every dimension's lane, inside the chart. The page loads nothing from elsewhere."""

from __future__ import annotations

import json
import re
import shutil
import subprocess

import pytest

from grader.report.leaderboard import DimHead, LeaderDim, Leaderboard, LeaderRow, to_html

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
pytestmark = pytest.mark.skipif(CHROMIUM is None,
                                reason="Debian's chromium is not installed (apt-get install -y chromium)")

DIMS = [DimHead(id="gates", title="Goal gates", max=15), DimHead(id="tools", title="Tool calling (G7)", max=10),
        DimHead(id="budget", title="Token budgeting <G9>", max=5)]


def _board(n: int = 50) -> Leaderboard:
    rows = []
    for i in range(n):
        # Deterministic spread: scores that differ by dimension, some pending, ties in the chart.
        dims = [LeaderDim(id="gates", score=(i * 7) % 16, max=15),
                LeaderDim(id="tools", score=(i * 3) % 11, max=10, pending_points=2 if i % 5 == 0 else 0),
                LeaderDim(id="budget", score=i % 6, max=5)]
        total = sum(d.score for d in dims)
        rows.append(LeaderRow(name=f"run-{i:02d}<b>", source=f"runs/{i}", total=total, max_total=30,
                              pending_points=2 if i % 5 == 0 else 0, tier="A" if total > 20 else "C",
                              tier_provisional=i % 5 == 0, tier_best_case="A", report_dir=f"run-{i:02d}",
                              check_ok=True, dimensions=dims, findings={"error": i % 3, "warning": i % 4},
                              invented_calls=i % 3, stage_problems=["runtime skipped"]))
    rows.append(LeaderRow(name="broken", source="runs/broken", error="IngestError: not an archive"))
    board = Leaderboard(rubric="r", rubric_title="R", max_total=30, tie_gap=1, rows=rows, dimensions=DIMS)
    board.sort()
    return board


PROBE = """
<script>
(function () {
  const names = () => [...document.querySelectorAll('#board tbody tr')].map(tr => tr.cells[1].innerText.trim());
  const click = label => [...document.querySelectorAll('#board th button')]
      .find(b => b.innerText.trim() === label).click();
  const out = {initial: names()};
  click('repo'); out.byRepoAsc = names();
  click('tools'); out.byToolsAsc = names();
  click('tools'); out.byToolsDesc = names();
  click('findings'); out.byFindings = names();
  out.heat = [...document.querySelectorAll('#board tbody tr[data-repo]')].map(tr =>
      [...tr.querySelectorAll('td.heat')].map(td => ({dim: td.dataset.dimension, v: +td.dataset.v,
                                                      bg: getComputedStyle(td).backgroundColor})));
  const svg = document.querySelector('svg.chart').getBoundingClientRect();
  out.svg = {w: svg.width, h: svg.height};
  out.lanes = [...document.querySelectorAll('svg.chart g.lane')].map(g => ({
      id: g.dataset.dimension, dots: g.querySelectorAll('circle.run').length,
      inside: [...g.querySelectorAll('circle.run')].every(c => { const r = c.getBoundingClientRect();
          return r.left >= svg.left - 1 && r.right <= svg.right + 1
              && r.top >= svg.top - 1 && r.bottom <= svg.bottom + 1; }),
      titles: [...g.querySelectorAll('circle.run title')].map(t => t.textContent)}));
  out.resources = performance.getEntriesByType('resource').map(e => e.name);
  const pre = document.createElement('pre'); pre.id = 'probe'; pre.textContent = JSON.stringify(out);
  document.body.appendChild(pre);
})();
</script>
"""


def _probe(html: str, tmp_path) -> dict:
    page = tmp_path / "leaderboard.html"
    page.write_text(html.replace("</body>", PROBE + "</body>"), encoding="utf-8")
    run = subprocess.run([CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--window-size=1300,900",
                          "--dump-dom", page.as_uri()], capture_output=True, text=True, timeout=120)
    m = re.search(r'<pre id="probe">(.*?)</pre>', run.stdout, re.S)
    assert m, f"chromium produced no probe output: {run.stderr[-500:]}"
    text = m.group(1)
    for a, b in (("&quot;", '"'), ("&lt;", "<"), ("&gt;", ">"), ("&amp;", "&")):
        text = text.replace(a, b)
    return json.loads(text)


def _green(rgb: str) -> float:
    r, g, b = (int(x) for x in re.findall(r"\d+", rgb)[:3])
    return g - r


def test_fifty_runs_sort_heat_and_chart_in_chromium(tmp_path):
    board = _board()
    html = to_html(board)
    assert not re.search(r"""(src|href)=["']?(https?:)?//|url\(|@import""", html), "nothing may be fetched"
    assert "run-00&lt;b&gt;" in html and "run-00<b>" not in html  # repo names are escaped
    got = _probe(html, tmp_path)
    graded = [r for r in board.rows if r.error is None]
    assert got["initial"] == [r.name for r in board.rows]  # the ranking as written
    assert got["byRepoAsc"] == sorted(r.name for r in graded) + ["broken"]
    share = {r.name: r.dim("tools").score / 10 for r in graded}
    asc = [share[n] for n in got["byToolsAsc"][:-1]]
    assert asc == sorted(asc) and got["byToolsAsc"][-1] == "broken"
    desc = [share[n] for n in got["byToolsDesc"][:-1]]
    assert desc == sorted(desc, reverse=True) and got["byToolsDesc"][-1] == "broken"
    errors = {r.name: r.findings["error"] for r in graded}
    assert [errors[n] for n in got["byFindings"][:-1]] == sorted(errors[n] for n in got["byFindings"][:-1])
    # Heat: a fuller dimension is greener; an empty one is red.
    cells = [c for row in got["heat"] for c in row]
    assert len(cells) == 50 * len(DIMS)
    full = [c for c in cells if c["v"] == 1]
    empty = [c for c in cells if c["v"] == 0]
    assert full and empty and min(_green(c["bg"]) for c in full) > 0 > max(_green(c["bg"]) for c in empty)
    # Chart: one dot per graded run in every lane, all inside the drawing, titled with the run.
    assert got["svg"]["w"] > 500 and got["svg"]["h"] > 100
    assert [(lane["id"], lane["dots"], lane["inside"]) for lane in got["lanes"]] == [(d.id, 50, True) for d in DIMS]
    assert "run-02<b>: 6/10" in got["lanes"][1]["titles"]
    assert all(not name.startswith(("http:", "https:")) for name in got["resources"])


def test_provisional_marker_and_notes(tmp_path):
    html = to_html(_board(10))
    # Only rows whose pending points could raise the tier carry the marker.
    assert html.count('class="prov" title=') == sum(1 for r in _board(10).rows
                                                     if r.tier_provisional and r.tier_best_case != r.tier)
    assert "runtime skipped" in html and "IngestError: not an archive" in html


REAL_DIMS = [DimHead(id="goal_gates", title="Goal gates (G1-G3, G13-G14)", max=15),
             DimHead(id="streaming", title="True streaming (G4)", max=10),
             DimHead(id="payload", title="Multi-turn payload (G5)", max=10),
             DimHead(id="persistence", title="Concurrency-safe bounded persistence (G6)", max=10),
             DimHead(id="tools", title="Tool calling (G7)", max=10),
             DimHead(id="structured_output", title="Structured output (G8)", max=5),
             DimHead(id="budget", title="Token budgeting (G9)", max=5),
             DimHead(id="robustness", title="Robustness (G10)", max=10),
             DimHead(id="tests_gates", title="Tests and gates (G11-G12)", max=10),
             DimHead(id="self_review", title="Self-review fidelity", max=15)]

LAYOUT_PROBE = """
<script>
(function () {
  const svg = document.querySelector('svg.chart').getBoundingClientRect();
  const inside = r => r.left >= svg.left - 1 && r.right <= svg.right + 1 && r.top >= svg.top - 1
      && r.bottom <= svg.bottom + 1;
  const out = {
    rowHeights: [...document.querySelectorAll('#board tbody tr')].map(tr => tr.getBoundingClientRect().height),
    lineHeight: (cs => parseFloat(cs.lineHeight) || parseFloat(cs.fontSize) * 1.2)(
        getComputedStyle(document.querySelector('#board td'))),
    labelsInside: [...document.querySelectorAll('svg.chart text.dim')].map(t => inside(t.getBoundingClientRect())),
    dotsInside: [...document.querySelectorAll('svg.chart circle.run')].every(c => inside(c.getBoundingClientRect())),
    dots: [...document.querySelectorAll('svg.chart circle.run')].map(c => c.getAttribute('cx') + ','
        + c.getAttribute('cy')),
    svgHeight: svg.height,
  };
  const pre = document.createElement('pre'); pre.id = 'probe'; pre.textContent = JSON.stringify(out);
  document.body.appendChild(pre);
})();
</script>
"""


def test_fifty_runs_of_one_brief_fit_the_page(tmp_path):
    """The real rubric's ten dimensions, 50 runs that mostly tie (runs of one brief do): rows stay one or
    two lines tall (the notes column is not squeezed to a word per line), every dimension title is inside
    the chart, and equal scores spread into columns instead of one ever taller stack."""
    rows = []
    for i in range(50):
        dims = [LeaderDim(id=h.id, score=(h.max if i % 10 == 0 and h.id == "tools" else 0), max=h.max,
                          pending_points=2 if h.id in ("streaming", "payload") else 0) for h in REAL_DIMS]
        rows.append(LeaderRow(name=f"run{i:02d}-rubyllm-chat-app", source=f"runs/{i}", total=sum(d.score for d in dims),
                              max_total=100, pending_points=4, tier="D", report_dir=f"run{i:02d}", check_ok=True,
                              dimensions=dims, findings={"error": 0, "warning": 0},
                              stage_problems=["runtime skipped", "judge skipped"]))
    board = Leaderboard(rubric="rails-rubyllm-v2", rubric_title="R", max_total=100, tie_gap=1, rows=rows,
                        dimensions=REAL_DIMS)
    board.sort()
    page = tmp_path / "leaderboard.html"
    page.write_text(to_html(board).replace("</body>", LAYOUT_PROBE + "</body>"), encoding="utf-8")
    run = subprocess.run([CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--window-size=1600,900",
                          "--dump-dom", page.as_uri()], capture_output=True, text=True, timeout=120)
    m = re.search(r'<pre id="probe">(.*?)</pre>', run.stdout, re.S)
    assert m, f"chromium produced no probe output: {run.stderr[-500:]}"
    got = json.loads(m.group(1).replace("&quot;", '"'))
    assert len(got["rowHeights"]) == 50
    assert max(got["rowHeights"]) <= 2 * got["lineHeight"], got["rowHeights"][:5]  # one line of text each
    assert got["labelsInside"] == [True] * len(REAL_DIMS)
    assert got["dotsInside"] and len(set(got["dots"])) == len(got["dots"]) == 50 * len(REAL_DIMS)
    # ten lanes of 50 tied dots: each lane at most MAX_STACK dots high, not 50
    from grader.report.chart import MAX_STACK, STEP

    assert got["svgHeight"] < len(REAL_DIMS) * (MAX_STACK + 3) * STEP * 1.5
