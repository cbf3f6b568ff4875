"""The judge's part of report.md and report.html: each verdict with its evidence, verified
citations as links to the cited lines. Pure functions of the report (no repo access)."""

from __future__ import annotations

import os
import re
from pathlib import Path

from grader.judge.models import JudgeReport

_GIT_REF = re.compile(r"(?:\.git)?(?:[@#][^/@#]+)?$")


def line_link(repo, file: str, start: int, end: int) -> str | None:
    """A URL to file:start-end: the forge's blob view for a git source at a commit, a file:// URL for
    a local folder; None when the source gives no place to point at."""
    source = getattr(repo, "source", "") or ""
    commit = getattr(repo, "commit", None)
    anchor = f"#L{start}" + (f"-L{end}" if end != start else "")
    if source.startswith(("https://", "http://")) and commit:
        base = _GIT_REF.sub("", source.rstrip("/"))
        return f"{base}/blob/{commit}/{file}{anchor}"
    if getattr(repo, "kind", "folder") == "folder" and source:
        return Path(os.path.abspath(source)).joinpath(file).as_uri() + anchor
    return None


def _md(text: object) -> str:
    return str(text).replace("|", "\\|").replace("\n", " ").replace("<", "&lt;")


_PENDING_SUFFIX = ": judge criteria pending"


def not_run_sentence(judge: JudgeReport) -> str | None:
    """One sentence for a judge that asked nothing (no model, no key, no criteria), in place of a
    status line of zero calls, zero tokens and $0; None when it ran."""
    if judge.status != "skipped" or judge.calls or judge.verdicts:
        return None
    reason = (judge.reason or "").strip()
    if reason.endswith(_PENDING_SUFFIX):
        return f"The judge did not run ({reason.removesuffix(_PENDING_SUFFIX)}): its criteria's points stay pending."
    return f"The judge did not run: {reason}." if reason else "The judge did not run."


def markdown_section(judge: JudgeReport | None, repo=None) -> list[str]:
    if judge is None:
        return []
    if (sentence := not_run_sentence(judge)) is not None:
        return ["## LLM judge", "", _md(sentence), "", *[f"- warning: {_md(w)}" for w in judge.warnings],
                *([""] if judge.warnings else [])]
    out = ["## LLM judge", "",
           f"Status **{judge.status}**" + (f": {_md(judge.reason)}" if judge.reason else "")
           + f"; models {', '.join(f'`{m}`' for m in judge.models) or '-'}; prompt `{judge.prompt_version or '-'}`; "
           f"{judge.samples} samples per criterion; {judge.calls} calls ({judge.cached_calls} cached), "
           f"{judge.tokens_in} tokens in / {judge.tokens_out} out, ${judge.cost_usd:.4f}.", ""]
    out += [f"- warning: {_md(w)}" for w in judge.warnings]
    if judge.redactions:
        out.append("- redacted before sending: " + ", ".join(f"`{r.file}` ({r.count})" for r in judge.redactions))
    if judge.warnings or judge.redactions:
        out.append("")
    if not judge.verdicts:
        return out
    out += ["| criterion | model | status | score | samples | evidence |", "|---|---|---|---:|---|---|"]
    for v in judge.verdicts:
        score = f"{v.score:g}/{v.max:g}" if v.score is not None else f"-/{v.max:g}"
        cites = []
        for e in v.evidence:
            label = f"{e.file}:{e.start_line}" + (f"-{e.end_line}" if e.end_line != e.start_line else "")
            url = line_link(repo, e.file, e.start_line, e.end_line) if e.verified else None
            cites.append((f"[{_md(label)}]({url})" if url else f"`{_md(label)}`")
                         + ("" if e.verified else " (unverified)"))
        samples = ", ".join(f"{s:g}" for s in v.samples) + (f" (spread {v.spread:g})" if v.spread else "")
        name = v.criterion + ("" if v.counted else " (not counted)")
        out.append(f"| {_md(name)} | `{_md(v.model)}` | {v.status} | {score} | {samples} | {'; '.join(cites)} |")
    out.append("")
    for v in judge.verdicts:
        notes = ([f"why: {_md(v.rationale)}"] if v.rationale else []) + ([f"{v.status}: {_md(v.reason)}"] if v.reason
                                                                          else [])
        notes += [f"contradicts a fact: {_md(c)}" for c in v.contradicts_facts]
        if notes:
            out.append(f"- **{_md(v.criterion)}** ({_md(v.model)}): " + " — ".join(notes))
    return out + [""]


def html_section(judge: JudgeReport | None, repo=None) -> str:
    """The same as HTML (autoescaped), for report.html."""
    if judge is None:
        return ""
    import jinja2
    from markupsafe import Markup

    env = jinja2.Environment(loader=jinja2.FileSystemLoader(str(Path(__file__).with_name("templates"))),
                             autoescape=True, trim_blocks=True, lstrip_blocks=True)
    def link(e) -> str | None:
        return line_link(repo, e.file, e.start_line, e.end_line)

    return Markup(env.get_template("judge_section.html.j2").render(j=judge, link=link,
                                                                   not_run=not_run_sentence(judge)))
