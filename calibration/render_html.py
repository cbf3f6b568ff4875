"""The agreement report as one self-contained HTML page: inline CSS and SVG, no script, no network."""

from __future__ import annotations

from html import escape

from calibration import svg_plots
from calibration.figures import FIGURES
from calibration.render_text import LABELS, fmt

CSS = """
body{font:14px/1.45 system-ui,sans-serif;margin:1.5rem auto;max-width:1320px;color:#1d2330;padding:0 1rem}
h1{font-size:1.4rem}h2{font-size:1.15rem;margin-top:2rem;border-bottom:1px solid #d5d9e0}
.synthetic{background:#fff3cd;border:1px solid #e0c36c;padding:.5rem .8rem}
table.figures{border-collapse:collapse;margin:.5rem 0}
table.figures td,table.figures th{padding:2px 10px;border-bottom:1px solid #eef0f3;text-align:right}
table.figures td:first-child,table.figures th:first-child{text-align:left}
.plots{display:flex;flex-wrap:wrap;gap:12px}
figure{margin:0}figcaption{font-size:12px;color:#555;text-align:center}
svg.plot{background:#fff;border:1px solid #e3e6eb}
.frame{fill:none;stroke:#c5cad3}.tick{font-size:10px;fill:#555}.label{font-size:11px;fill:#333}
.identity{stroke:#999;stroke-dasharray:4 3}.point{fill:#1f5fbf;fill-opacity:.75}
.curve{fill:none;stroke:#c0392b;stroke-width:2}.bin{fill:#c0392b}
.zero{stroke:#bbb}.bias{stroke:#c0392b;stroke-width:2}.limit{stroke:#c0392b;stroke-dasharray:5 3}
.cell{fill:#1f5fbf;stroke:#fff}.count{font-size:12px;fill:#111}
.notes li{color:#8a4b00}
"""


def _figure_table(block: dict, ceiling: dict | None) -> str:
    head = "<tr><th>figure</th><th>judge</th><th>95% CI</th>"
    head += f"<th>human–human (n={ceiling['n']})</th></tr>" if ceiling else "</tr>"
    rows = []
    for name in FIGURES:
        if name not in block:
            continue
        ci = block["ci"].get(name)
        ci_text = f"[{fmt(ci[0])}, {fmt(ci[1])}]" if ci else ""
        label = LABELS[name].replace("k points", f"{block.get('k', 2):g} points")
        cells = f"<td>{escape(label)}</td><td data-figure='{name}'>{fmt(block[name])}</td><td>{ci_text}</td>"
        if ceiling:
            cells += f"<td>{fmt(ceiling.get(name))}</td>"
        rows.append(f"<tr>{cells}</tr>")
    return f"<table class='figures'>{head}{''.join(rows)}</table>"


def _block(title: str, block: dict, ceiling: dict | None, anchor: str) -> str:
    top = block.get("max") or max([p["human"] for p in block["pairs"]] + [p["judge"] for p in block["pairs"]] + [1])
    plots = [("scatter", svg_plots.scatter(block["pairs"], top)),
             ("calibration curve", svg_plots.calibration_curve(block["pairs"], top)),
             ("Bland–Altman", svg_plots.bland_altman(block["pairs"], top)),
             ("tier confusion", svg_plots.confusion(block.get("tiers")))]
    figures = "".join(f"<figure>{svg}<figcaption>{escape(name)}</figcaption></figure>" for name, svg in plots)
    notes = "".join(f"<li>{escape(n)}</li>" for n in block.get("notes", []))
    out_of = f" out of {block['max']:g}" if block.get("max") else ""
    return (f"<section class='block' id='{escape(anchor)}' data-n='{block['n']}'><h2>{escape(title)}: "
            f"{block['n']} items{out_of}</h2>{_figure_table(block, ceiling)}<div class='plots'>{figures}</div>"
            + (f"<ul class='notes'>{notes}</ul>" if notes else "") + "</section>")


def _reliability(report: dict) -> str:
    rows = []
    for model, blocks in (report.get("test_retest") or {}).items():
        for name, b in blocks.items():
            rows.append(f"<tr><td>{escape(model)}</td><td>{escape(name)}</td><td>{b['keys']}</td>"
                        f"<td>{fmt(b['mean_sd'])}</td><td>{fmt(b['mean_range'])}</td><td>{b['max_range']:g}</td>"
                        f"<td>{fmt(b['identical_share'])}</td><td>{fmt(b['alpha_interval'])}</td></tr>")
    if not rows:
        return "<p>No key has two judge samples: test–retest spread not measured.</p>"
    return ("<table class='figures'><tr><th>model</th><th>scored</th><th>keys</th><th>mean sd</th><th>mean range</th>"
            "<th>max range</th><th>identical</th><th>alpha</th></tr>" + "".join(rows) + "</table>")


def _panel(report: dict) -> str:
    rows = []
    for pair, blocks in (report.get("panel") or {}).items():
        for level in ("dimensions", "criteria"):
            for name, b in blocks.get(level, {}).items():
                rows.append(f"<tr><td>{escape(pair)}</td><td>{escape(name)}</td><td>{b['n']}</td><td>{fmt(b['qwk'])}</td>"
                            f"<td>{fmt(b['alpha_interval'])}</td><td>{fmt(b['mae'])}</td></tr>")
    if not rows:
        return ""
    return ("<h2>Agreement between panel models</h2><table class='figures'><tr><th>models</th><th>scored</th>"
            "<th>n</th><th>qwk</th><th>alpha</th><th>mae</th></tr>" + "".join(rows) + "</table>")


def render_html(report: dict, title: str = "Judge calibration") -> str:
    synthetic = bool(report.get("synthetic"))
    ceiling = report.get("ceiling") or {}
    sections = []
    for level, word in (("dimensions", "dimension"), ("criteria", "criterion")):
        for name, block in report.get(level, {}).items():
            sections.append(_block(f"{word} {name}", block, (ceiling.get(level) or {}).get(name), f"{word}-{name}"))
    if report.get("total"):
        sections.append(_block("total", report["total"], ceiling.get("total"), "total"))
    notes = "".join(f"<li>{escape(n)}</li>" for n in report.get("notes", []))
    st = report["settings"]
    banner = ("<p class='synthetic'>SYNTHETIC data: these scores were made up for tests and docs.</p>"
              if synthetic else "")
    return f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>{escape(title)}</title><style>{CSS}</style></head><body>
<h1>{escape(title)}</h1>{banner}
<p>{report['items']} paired items; judge model(s): {escape(', '.join(report['judge_models']))}; rubric
{escape(str(st.get('rubric')))}. 95% intervals from {st['resamples']} paired bootstrap resamples (seed {st['seed']}).
Human score: {escape(st['human_score'])}; judge score: {escape(st['judge_score'])}.</p>
{"<ul class='notes'>" + notes + "</ul>" if notes else ""}
{''.join(sections)}
<h2>Judge test–retest (samples of the same item)</h2>{_reliability(report)}
{_panel(report)}
</body></html>
"""
