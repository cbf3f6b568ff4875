"""A tree of several apps checked across cores, one app root per task from start to end.

Each forked worker reads its root's Ruby, parses it, runs the API rules on it and the text rules on
the root's other files (README, views, YAML), all on the trees it built: a file is read and parsed
once, where its rules run (this process only walked the tree, whose sizes share the roots out). Only
what the report needs travels back: per file why it could not be read, or whether it ran past its
budget and its syntax findings; per root its findings and what its budget cut short. The main process
puts them in the order a serial run makes them, so a parallel run reports exactly what a serial one does.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from grader.core.repo import Entry
from static_checks.records import AppRoot, CheckReport, Finding, SkippedFile
from static_checks.roots import owner_root, root_names
from static_checks.sources import SourceFile, SourceSet

if TYPE_CHECKING:
    from static_checks.parsing import ParsedFile


@dataclass
class Unit:
    """One app root: its Ruby (not yet read) and its other text files."""

    name: str
    files: list[SourceFile] = field(default_factory=list)
    text: list[Entry] = field(default_factory=list)

    def size(self) -> int:
        return sum(src.size for src in self.files)


# What a worker says of one file: (why it could not be read, why its parse was cut short, its budget
# note after the rules ran, its syntax findings); the first two None for a file that was analysed.
FileAnswer = tuple[str | None, str | None, str | None, list[Finding]]
# A worker's answer: each file's, the root's AppRoot, rule findings and cut-short notes, and the text
# rules' findings.
Answer = tuple[list[FileAnswer], AppRoot, list[Finding], list[str], list[Finding]]
CheckRoot = Callable[[Path, str, list["ParsedFile"], str | None], tuple[AppRoot, list[Finding], dict, list[str]]]


def _unit_in_worker(shared: tuple[Path, list[Unit], str | None, CheckRoot], i: int) -> Answer:
    return check_unit(shared, i)


def check_unit(shared: tuple[Path, list[Unit], str | None, CheckRoot], i: int) -> Answer:
    """The answer of units[i], in a worker or (for the first one) in this process."""
    from static_checks.parse_pool import outcome
    from static_checks.sources import PassReader, read_source
    from static_checks.text_rules import run_text_rules

    base, units, override, check_root = shared
    unit = units[i]
    reader = PassReader(base, max_bytes=unit.files[0].max_bytes) if unit.files else None
    read: list[tuple[str | None, ParsedFile | None, list[Finding]]] = []
    raw: dict[str, bytes] = {}  # for the text rules: an ERB template's parsed source is only its code
    for src in unit.files:
        data, reason = read_source(src, reader)
        if data is None:
            read.append((reason or "unreadable", None, []))
            continue
        raw[src.rel] = data
        pf, out = outcome(src, data)
        read.append((out[0], pf, out[3]))  # out[0]: past its budget while parsing (then not analysed)
    kept = [pf for cut_short, pf, _syntax in read if pf is not None and cut_short is None]
    root, found, cache, cut = check_root(base, unit.name, kept, override)
    # The rules' analysis in it refers back to its context (a cycle), which holds the root's trees: left
    # to the cycle collector, a worker's trees piled up root after root (its memory grew by half, and
    # with it the page faults). Emptied, they are freed now; the text rules below keep what they use.
    cache.clear()
    text = run_text_rules(base, kept, only=unit.text, read=raw)
    answers: list[FileAnswer] = [
        (reason, None, None, []) if pf is None
        else (None, reason, None, []) if reason is not None
        else (None, None, pf.over_budget, syntax)  # the rules or the collectors may have given up on it
        for reason, pf, syntax in read]
    return answers, root, found, cut, text


def _units(sources: SourceSet, names: list[str]) -> tuple[list[Unit], list[list[int]]]:
    """The roots' units with their Ruby, and the positions of each unit's files among the sources."""
    known = set(sources.app_roots)
    at = {name: i for i, name in enumerate(names)}
    units = [Unit(name) for name in names]
    positions: list[list[int]] = [[] for _ in names]
    for k, src in enumerate(sources.files):
        i = at[owner_root(src.rel, known)]
        units[i].files.append(src)
        positions[i].append(k)
    return units, positions


def _share_text(sources: SourceSet, units: list[Unit]) -> list[Entry]:
    """Each unit's other files (from discovery's walk), read by its worker; returns those no unit
    holds (outside every app root when no Ruby is: read by this process)."""
    known = set(sources.app_roots)
    at = {unit.name: unit for unit in units}
    leftover: list[Entry] = []
    for entry in sources.text_files:
        unit = at.get(owner_root(entry.display, known))
        (leftover if unit is None else unit.text).append(entry)
    return leftover


def check_across_roots(base: Path, sources: SourceSet, override: str | None, jobs: int,
                       check_root: CheckRoot) -> CheckReport | None:
    """The report of a tree of several apps, each root checked in a worker; None when the tree is
    one app or little code (the caller checks it here: a fork costs more than it saves), or when a
    worker died."""
    from static_checks import forked, parse_pool

    if not forked.can_fork() or sum(src.size for src in sources.files) < parse_pool.PARALLEL_MIN_BYTES:
        return None
    names = root_names(sources.app_roots, [src.rel for src in sources.files])
    units, positions = _units(sources, names)
    sizes = sorted((u.size() for u in units), reverse=True)
    if len(sizes) < 2 or sizes[0] * 2 > sum(sizes):
        return None  # one root holds most of the Ruby: parse_pool shares out its files instead
    leftover = _share_text(sources, units)
    answers = check_units(base, units, override, check_root, jobs)
    if answers is None:
        return None
    return _merged(base, sources, units, positions, answers, leftover)


def _merged(base: Path, sources: SourceSet, units: list[Unit], positions: list[list[int]], answers: list[Answer],
            leftover: list[Entry]) -> CheckReport:
    """The report a serial run makes, from the workers' answers: its lists in the same order."""
    from static_checks import __version__
    from static_checks.text_rules import run_text_rules

    per_file: dict[int, FileAnswer] = {}
    for (files, *_rest), where in zip(answers, positions):
        per_file.update(zip(where, files))
    skipped: list[SkippedFile] = list(sources.skipped)
    analysed: list[str] = []
    late: list[SkippedFile] = []
    findings: list[Finding] = []
    for position, src in enumerate(sources.files):
        unread, over, after_rules, syntax = per_file[position]
        if unread or over:
            skipped.append(SkippedFile(file=src.rel, reason=unread or over))
            continue
        analysed.append(src.rel)
        findings.extend(syntax)
        if after_rules:
            late.append(SkippedFile(file=src.rel, reason=after_rules))
    # A root stands only for Ruby that was analysed: a serial run has none whose files were all
    # unreadable or ran past their budget ("." for Ruby outside every app, most often).
    checked = set(root_names(sources.app_roots, analysed))
    roots, incomplete, text = [], [], []
    for unit, (_files, root, found, cut, text_found) in zip(units, answers):
        if unit.name in checked:
            roots.append(root)
            findings.extend(found)
            incomplete.extend(cut)
        text.extend(text_found)
    findings.extend(text)
    if leftover:  # files outside every unit hold no Ruby that was parsed
        findings.extend(run_text_rules(base, [], only=leftover))
    findings.sort(key=lambda f: (f.file, f.line, f.column, f.rule))
    skipped.extend(late)
    return CheckReport(tool_version=__version__, roots=roots, findings=findings, files_analyzed=len(analysed),
                       skipped=skipped, incomplete=incomplete)


def check_units(base: Path, units: list[Unit], override: str | None, check_root: CheckRoot,
                jobs: int) -> list[Answer] | None:
    """Every unit's answer in the units' order; None when a worker died (the caller then checks the tree
    in this process). The smallest unit is checked here first: that imports the modules, compiles the
    queries and loads the data every root's check needs, once, where the workers then find them (each
    worker loaded them for itself before: a quarter of a tree's instructions). The others go to
    workers, the biggest started first."""
    from static_checks.forked import forked_map

    shared = (base, units, override, check_root)
    by_size = sorted(range(len(units)), key=lambda i: -units[i].size())
    here = by_size[-1]
    first = check_unit(shared, here)
    rest = sorted(by_size[:-1])
    at = {unit: k for k, unit in enumerate(rest)}
    answers = forked_map(_unit_in_worker, shared, rest, min(jobs, len(rest)), first=[at[i] for i in by_size[:-1]])
    if answers is None:
        return None
    answers.insert(here, first)
    return answers
