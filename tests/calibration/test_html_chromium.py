"""The agreement page in headless Debian chromium: the four plots of every block are drawn."""

import re
import shutil
import subprocess

import pytest
from calib_helpers import EXAMPLE_SET
from test_compare import _judge_from_human

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
pytestmark = pytest.mark.skipif(CHROMIUM is None, reason="chromium is not installed: apt-get install -y chromium")

FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
         "--disable-sync", "--no-first-run"]


def _chromium(tmp_path, *args):
    profile = tmp_path / "profile"
    profile.mkdir(exist_ok=True)
    return subprocess.run([CHROMIUM, *FLAGS, f"--user-data-dir={profile}", *args], capture_output=True, text=True,
                          timeout=120)


def test_agreement_page_draws_every_plot(cli, tmp_path):
    judge = _judge_from_human(tmp_path / "judge.csv", noise=1)
    out = tmp_path / "out"
    result = cli("compare", EXAMPLE_SET / "human.csv", judge, "--format", "html", "--out", out, "-B", "200")
    assert result.exit_code == 0, result.output
    page = out / "agreement.html"
    html = page.read_text()
    assert "<script" not in html and "http" not in html  # self-contained, nothing fetched
    assert "SYNTHETIC data" in html

    shot = tmp_path / "shot.png"
    run = _chromium(tmp_path, "--window-size=1320,2000", f"--screenshot={shot}", page.as_uri())
    assert shot.is_file() and shot.stat().st_size > 20_000, run.stderr[-500:]
    assert shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"

    dom = _chromium(tmp_path, "--dump-dom", page.as_uri()).stdout
    blocks = re.findall(r"<section class=\"block\" id=\"([^\"]+)\" data-n=\"(\d+)\">(.*?)</section>", dom, re.S)
    assert [b[0] for b in blocks] == ["dimension-architecture", "dimension-production", "criterion-error_ui_quality",
                                      "criterion-persistence_design", "total"]
    for anchor, n, body in blocks:
        for kind in ("scatter", "calibration", "bland-altman", "confusion"):
            assert f'class="plot {kind}"' in body, (anchor, kind)
        assert re.search(rf'class="plot scatter"[^>]*data-points="{n}"', body), anchor
        assert re.search(rf'class="plot bland-altman"[^>]*data-points="{n}"', body), anchor
        # every item is a circle in the Bland-Altman plot; the scatter merges equal pairs
        ba = body.split('class="plot bland-altman"')[1].split("</svg>")[0]
        assert ba.count('class="point"') == int(n)
        assert 'class="identity"' in body and 'class="curve"' in body and 'class="bias"' in body
        assert re.search(r'class="plot confusion"[^>]*data-cells="16"', body)
        counts = [int(c) for c in re.findall(r'data-count="(\d+)"', body)]
        assert sum(counts) == int(n)
