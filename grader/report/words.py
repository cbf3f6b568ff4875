"""Plain words for facts, goals and places, shared by report.md and report.html.

The words are data (grader/report/fact_labels.yaml, the rubric's goal titles and `fix` fields), copied
into the report at grade time; everything here that renders reads only the report.
"""

from __future__ import annotations

import re
from functools import lru_cache
from importlib import resources

import yaml
from markupsafe import Markup, escape

from grader.report.model import GradeReport

GOAL_ID = re.compile(r"\bG(\d{1,2})\b")


@lru_cache(maxsize=1)
def label_data() -> tuple[dict[str, str], dict[str, str]]:
    """(fact id -> label, count fact id -> list fact id) from fact_labels.yaml."""
    data = yaml.safe_load(resources.files("grader.report").joinpath("fact_labels.yaml").read_text("utf-8")) or {}
    labels: dict[str, str] = {}
    names: dict[str, str] = {}
    for fid, entry in (data.get("labels") or {}).items():
        if isinstance(entry, dict):
            labels[fid] = str(entry["label"])
            if entry.get("names"):
                names[fid] = str(entry["names"])
        else:
            labels[fid] = str(entry)
    return labels, names


def words_for(fact_ids, meanings: dict[str, str] | None = None) -> tuple[dict[str, str], dict[str, str]]:
    """Labels (and name lists) for these facts; a fact with no label gets its catalogue meaning, cut short."""
    labels, names = label_data()
    out_labels: dict[str, str] = {}
    out_names: dict[str, str] = {}
    for fid in sorted(set(fact_ids)):
        if fid in labels:
            out_labels[fid] = labels[fid]
        elif meanings and meanings.get(fid):
            out_labels[fid] = _short_meaning(meanings[fid])
        if fid in names:
            out_names[fid] = names[fid]
    return out_labels, out_names


def _short_meaning(text: str) -> str:
    text = re.split(r" \(|; |: ", text, maxsplit=1)[0]
    return text if len(text) <= 90 else text[:87] + "..."


def plain_value(value: object) -> str:
    if value is True:
        return "yes"
    if value is False:
        return "no"
    if value is None:
        return "undecided"
    if isinstance(value, float):
        return f"{value:g}"
    if isinstance(value, (list, tuple, set)):
        return ", ".join(plain_value(v) for v in value) if value else "none"
    return str(value).replace("_", " ") if isinstance(value, str) and " " not in str(value) else str(value)


def plain_fact(r: GradeReport, fact_id: str, value: object) -> str:
    """`Tailwind installed: no`; a count with its names: `required gems missing: 2 (tailwind, brakeman)`."""
    label = r.fact_labels.get(fact_id, fact_id)
    text = f"{label}: {plain_value(value)}"
    listed = r.fact_names.get(fact_id)
    if listed and (named := r.fact(listed)) is not None and isinstance(named.value, list) and named.value:
        shown = ", ".join(str(v) for v in named.value[:8]) + (" ..." if len(named.value) > 8 else "")
        text += f" ({shown})"
    return text


def plain_decided_by(r: GradeReport, fact_ids: list[str]) -> str:
    """The facts a self-review claim was checked against, with their values, in words."""
    return "; ".join(plain_fact(r, fid, fact.value) if (fact := r.fact(fid)) is not None
                     else r.fact_labels.get(fid, fid) for fid in fact_ids)


def plain_facts(r: GradeReport, facts: dict[str, object]) -> str:
    return "; ".join(plain_fact(r, fid, value) for fid, value in facts.items())


def fact_notes(r: GradeReport, facts: dict[str, object]) -> list[str]:
    """The notes the collectors left on these facts: what an absence was checked against."""
    out = []
    for fid in facts:
        fact = r.fact(fid)
        if fact is not None and fact.note and fact.note not in out:
            out.append(fact.note)
    return out


def place_label(snippet: str | None) -> str | None:
    """What a cited place is, when the fact says so: the error-handling facts label each provider call
    site `unrescued <kind> call: ...` and each rescue `rescued: <call site> via <chain>`."""
    if not snippet:
        return None
    if snippet.startswith("rescued: "):
        site = snippet[len("rescued: "):].split(" via ", 1)[0]
        return f"rescue that catches the call at {site}"
    if snippet.startswith("unrescued "):
        return snippet.split(":", 1)[0]
    return None


class GoalNamer:
    """Expands each goal id to `G13 (its title)` the first time a text mentions it; later uses stay short.
    One per rendering, applied in reading order, so a re-render gives the same text. For HTML
    (`html=True`) the text is escaped and every short use is an <abbr> whose tooltip is the title."""

    def __init__(self, goals: dict[str, str], html: bool = False) -> None:
        self.goals = goals
        self.html = html
        self.named: set[str] = set()

    def __call__(self, text: str):
        def expand(m: re.Match) -> str:
            gid = m.group(0)
            if gid not in self.goals:
                return gid
            if gid not in self.named:
                self.named.add(gid)
                return f"{gid} ({escape(self.goals[gid]) if self.html else self.goals[gid]})"
            return f'<abbr title="{escape(self.goals[gid])}">{gid}</abbr>' if self.html else gid

        if not self.html:
            return GOAL_ID.sub(expand, text)
        return Markup(GOAL_ID.sub(expand, str(escape(text))))

    def abbr(self, text: str) -> Markup:
        """Every known goal id in `text` as an <abbr> (titles, the contents), without using up first mentions."""
        return Markup(GOAL_ID.sub(lambda m: f'<abbr title="{escape(self.goals[m.group(0)])}">{m.group(0)}</abbr>'
                                  if m.group(0) in self.goals else m.group(0), str(escape(text))))


def source_link(r: GradeReport, file: str, line: int) -> str | None:
    """Where file:line can be opened: the forge's view of the graded commit, or the file in an absolute
    local folder. A relative folder gives none, since the link would depend on where the report is read."""
    from grader.judge.render import line_link  # one way to link a line, shared with the judge's section

    source = r.repo.source or ""
    if r.repo.kind == "folder" and not source.startswith("/"):
        return None
    return line_link(r.repo, file, line, line)


def anchor(kind: str, *parts: object) -> str:
    """A stable HTML id from repo-controlled text: only [A-Za-z0-9_-] survive."""
    raw = "-".join(str(p) for p in parts)
    return kind + "-" + re.sub(r"[^A-Za-z0-9_-]+", "_", raw)[:120]


def catalog_meanings() -> dict[str, str]:
    """Fact id -> catalogue meaning, for facts fact_labels.yaml does not name (fallback words)."""
    from static_checks.facts import catalog

    out = {fid: str(entry.get("meaning", "")) for fid, entry in catalog().items()}
    for package in ("grader.runtime", "grader.selfreview"):
        try:
            text = resources.files(package).joinpath("fact_catalog.yaml").read_text("utf-8")
        except OSError:
            continue
        for entry in (yaml.safe_load(text) or {}).get("facts", []):
            if isinstance(entry, dict) and "id" in entry:
                out[entry["id"]] = str(entry.get("meaning", ""))
    return out
