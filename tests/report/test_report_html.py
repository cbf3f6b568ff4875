"""report.html renders in a real headless Chromium: bars sized by the scores, totals, phone width."""

from __future__ import annotations

import json
import re
import shutil
import subprocess

import pytest

from grader.report.render import render_html

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
pytestmark = pytest.mark.skipif(CHROMIUM is None,
                                reason="Debian's chromium is not installed (apt-get install -y chromium)")

# Appended to a copy of the report only: measures the laid-out page and writes it into the DOM.
PROBE = """
<script>
(function () {
  const bars = [...document.querySelectorAll('.dim .bar')].map(b => {
    const seg = c => { const s = b.querySelector('.seg.' + c); return s ? s.getBoundingClientRect().width : -1; };
    return {id: b.dataset.dimension, score: +b.dataset.score, pending: +b.dataset.pending, max: +b.dataset.max,
            width: b.getBoundingClientRect().width, height: b.getBoundingClientRect().height,
            earned: seg('earned'), pend: seg('pending'), lost: seg('lost'),
            color: getComputedStyle(b.querySelector('.seg.earned')).backgroundColor};
  });
  const out = {bars, total: document.getElementById('total').innerText, tier: document.getElementById('tier').innerText,
               scrollWidth: document.documentElement.scrollWidth, innerWidth: window.innerWidth};
  const pre = document.createElement('pre'); pre.id = 'probe'; pre.textContent = JSON.stringify(out);
  document.body.appendChild(pre);
})();
</script>
"""


def _measure(html: str, tmp_path, width: int) -> dict:
    page = tmp_path / f"probe-{width}.html"
    page.write_text(html.replace("</body>", PROBE + "</body>"), encoding="utf-8")
    run = subprocess.run(
        [CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", f"--window-size={width},900",
         "--dump-dom", page.as_uri()],
        capture_output=True, text=True, timeout=120,
    )
    m = re.search(r'<pre id="probe">(.*?)</pre>', run.stdout, re.S)
    assert m, f"chromium produced no probe output: {run.stderr[-500:]}"
    return json.loads(m.group(1).replace("&quot;", '"').replace("&amp;", "&").replace("&lt;", "<").replace("&gt;", ">"))


def test_report_renders_bars_and_totals_in_chromium(graded, tmp_path):
    report = graded.grade("rubyllm_client", "rails-rubyllm-v1")
    html = render_html(report)
    # Self-contained: no script and nothing fetched (repo text shown in excerpts may mention URLs).
    assert "<script" not in html and not re.search(r"""(src|href)=["']?(https?:)?//|url\(|@import""", html)
    got = _measure(html, tmp_path, 1200)
    assert [b["id"] for b in got["bars"]] == [d.id for d in report.dimensions]
    for bar, dim in zip(got["bars"], report.dimensions):
        assert bar["width"] > 100 and bar["height"] >= 10
        assert bar["earned"] == pytest.approx(bar["width"] * dim.score / dim.max, abs=1.5)
        assert bar["pend"] == pytest.approx(bar["width"] * dim.pending_points / dim.max, abs=1.5)
        assert bar["earned"] + bar["pend"] + bar["lost"] == pytest.approx(bar["width"], abs=1.5)
        assert bar["color"] == "rgb(46, 125, 50)"
    assert re.match(rf"{report.total:g}\s*/\s*{report.max_total:g}\b", got["total"]), got["total"]
    assert got["tier"].startswith(f"Tier {report.tier}")


def test_report_fits_a_phone_screen(graded, tmp_path):
    report = graded.grade("rubyllm_client", "rails-rubyllm-v1")
    got = _measure(render_html(report), tmp_path, 390)
    assert got["scrollWidth"] <= got["innerWidth"] + 1, got
    assert all(b["width"] > 150 for b in got["bars"])


def test_code_excerpts_are_read_from_the_repo_and_escaped(graded):
    report = graded.grade("rubyllm_client", "rails-rubyllm-v1")
    html = render_html(report)
    assert 'class="ln hit"' in html and "RubyLLM::Client.new" in html
    assert "ENV[&#34;OPENROUTER_API_KEY&#34;]" in html or "ENV[&quot;OPENROUTER_API_KEY&quot;]" in html


def test_hostile_repo_text_is_escaped_everywhere(graded, tmp_path):
    import shutil

    from grader.pipeline import GradeOptions, grade_path

    repo = tmp_path / "hostile"
    shutil.copytree(graded.repo("good_app"), repo)
    (repo / "SELF_REVIEW.md").write_text(
        "| Goal | Verdict | Evidence |\n|---|---|---|\n"
        "| G1 <script>alert(1)</script> | PASS | <img src=x onerror=alert(2)> app/<b>x</b>.rb:1 |\n"
        "| G2 | <iframe src=//evil> | bad |\n"
    )
    report = grade_path(repo, "rails-rubyllm-v2", GradeOptions(runtime=False))
    html = render_html(report)
    for bad in ("<script>alert", "<img src=x", "<iframe", "<b>x</b>"):
        assert bad not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
