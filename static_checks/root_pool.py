"""A tree of several apps checked across cores, one app root per task from start to end.

Each forked worker parses its root's files, runs the API rules on them and the text rules on the
root's other files (README, views, YAML), all on the trees it built: a file is parsed once, where
its rules run (a pass that only parses in workers leaves the trees behind, and the rules then parse
most files again). Only what the report needs travels back: per file its syntax findings, whether it
ran past its budget and the bytes parsed when they differ from the file's; per root its findings and
what its budget cut short. The main process puts them in the order a serial run makes them, so a
parallel run reports exactly what a serial one does.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from grader.core.repo import Entry
from static_checks.models import AppRoot, CheckReport, Finding, SkippedFile
from static_checks.parse_pool import Outcome, outcome
from static_checks.parsing import ParsedFile
from static_checks.roots import owner_root, root_names
from static_checks.sources import SourceFile


@dataclass
class Unit:
    """One app root: its Ruby (read, not yet parsed) and its other text files."""

    name: str
    files: list[tuple[SourceFile, bytes]] = field(default_factory=list)
    text: list[Entry] = field(default_factory=list)

    def size(self) -> int:
        return sum(len(data) for _src, data in self.files)


# A worker's answer: each file's parse outcome and its budget note after the rules ran, the root's
# AppRoot, rule findings and cut-short notes, and the text rules' findings.
Answer = tuple[list[Outcome], list[str | None], AppRoot, list[Finding], list[str], list[Finding]]
CheckRoot = Callable[[Path, str, list[ParsedFile], str | None], tuple[AppRoot, list[Finding], dict, list[str]]]


def _unit_in_worker(shared: tuple[Path, list[Unit], str | None, CheckRoot], i: int) -> Answer:
    from static_checks.text_rules import run_text_rules

    base, units, override, check_root = shared
    unit = units[i]
    done = [outcome(src, data) for src, data in unit.files]
    kept = [pf for pf, out in done if not out[0]]
    root, found, _cache, cut = check_root(base, unit.name, kept, override)
    text = run_text_rules(base, kept, only=unit.text)
    return [out for _pf, out in done], [pf.over_budget for pf, _out in done], root, found, cut, text


def _units(sources, readable, names: list[str]) -> tuple[list[Unit], list[list[int]]]:
    """The roots' units with their Ruby, and the positions of each unit's files among the readable."""
    known = set(sources.app_roots)
    at = {name: i for i, name in enumerate(names)}
    units = [Unit(name) for name in names]
    positions: list[list[int]] = [[] for _ in names]
    for k, (src, data) in enumerate(readable):
        i = at[owner_root(src.rel, known)]
        units[i].files.append((src, data))
        positions[i].append(k)
    return units, positions


def _share_text(base: Path, sources, units: list[Unit]) -> list[Entry]:
    """Each unit's other files, read by its worker; returns those no unit holds (outside every app
    root when no Ruby is: read by this process)."""
    from static_checks.sources import PassReader
    from static_checks.text_rules import repo_files

    known = set(sources.app_roots)
    at = {unit.name: unit for unit in units}
    leftover: list[Entry] = []
    for entry in repo_files(PassReader(base)):
        unit = at.get(owner_root(entry.display, known))
        (leftover if unit is None else unit.text).append(entry)
    return leftover


def check_across_roots(base: Path, read, override: str | None, jobs: int,
                       check_root: CheckRoot) -> CheckReport | None:
    """The report of a tree of several apps, each root checked in a worker; None when the tree is
    one app or little code (the caller checks it here: a fork costs more than it saves), or when a
    worker died."""
    from static_checks import forked, parse_pool

    sources, readable, unread = read
    if not forked.can_fork() or sum(len(data) for _src, data in readable) < parse_pool.PARALLEL_MIN_BYTES:
        return None
    names = root_names(sources.app_roots, [src.rel for src, _data in readable])
    units, positions = _units(sources, readable, names)
    sizes = sorted((u.size() for u in units), reverse=True)
    if len(sizes) < 2 or sizes[0] * 2 > sum(sizes):
        return None  # one root holds most of the Ruby: parse_pool shares out its files instead
    leftover = _share_text(base, sources, units)
    answers = check_units(base, units, override, check_root, jobs)
    if answers is None:
        return None
    return _merged(base, read, units, positions, answers, leftover)


def _merged(base: Path, read, units: list[Unit], positions: list[list[int]], answers: list[Answer],
            leftover: list[Entry]) -> CheckReport:
    """The report a serial run makes, from the workers' answers: its lists in the same order."""
    from static_checks import __version__
    from static_checks.parse_pool import rebuilt
    from static_checks.text_rules import run_text_rules

    sources, readable, unread = read
    per_file: dict[int, tuple[Outcome, str | None]] = {}
    for (outcomes, late, *_rest), where in zip(answers, positions):
        per_file.update(zip(where, zip(outcomes, late)))
    skipped: list[SkippedFile] = list(sources.skipped)
    parsed: list[ParsedFile] = []
    findings: list[Finding] = []
    k = 0
    for position in range(len(sources.files)):
        if position in unread:
            skipped.append(unread[position])
            continue
        (out, late), (src, data) = per_file[k], readable[k]
        k += 1
        if out[0]:
            skipped.append(SkippedFile(file=src.rel, reason=out[0]))
            continue
        pf = rebuilt(src, data, out)
        pf.over_budget = late
        parsed.append(pf)
        findings.extend(out[3])
    # A root "." stands for Ruby outside every app: a serial run has none when all of it ran past its budget.
    checked = set(root_names(sources.app_roots, [pf.rel for pf in parsed]))
    roots, incomplete, text = [], [], []
    for unit, (_outcomes, _late, root, found, cut, text_found) in zip(units, answers):
        if unit.name in checked:
            roots.append(root)
            findings.extend(found)
            incomplete.extend(cut)
        text.extend(text_found)
    findings.extend(text)
    if leftover:
        findings.extend(run_text_rules(base, parsed, only=leftover))
    findings.sort(key=lambda f: (f.file, f.line, f.column, f.rule))
    skipped.extend(SkippedFile(file=pf.rel, reason=pf.over_budget) for pf in parsed if pf.over_budget)
    return CheckReport(tool_version=__version__, roots=roots, findings=findings, files_analyzed=len(parsed),
                       skipped=skipped, incomplete=incomplete)


def check_units(base: Path, units: list[Unit], override: str | None, check_root: CheckRoot,
                jobs: int) -> list[Answer] | None:
    """Every unit's answer in the units' order, the biggest started first; None when a worker died
    (the caller then checks the tree in this process)."""
    from static_checks.forked import forked_map
    from static_checks.manifest.index import SCHEMA_GEM, available_versions
    from static_checks.rules import all_rules
    from static_checks.text_rules import text_rules

    all_rules()  # imported and read once here, not once per worker
    text_rules()
    available_versions()
    available_versions(SCHEMA_GEM)
    first = sorted(range(len(units)), key=lambda i: -units[i].size())
    return forked_map(_unit_in_worker, (base, units, override, check_root), range(len(units)),
                      min(jobs, len(units)), first=first)
