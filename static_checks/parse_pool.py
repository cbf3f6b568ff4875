"""The syntax pass of many files, across every core.

Workers parse shares of the files with the same parse_source a serial run uses (per-file budget,
heredoc fallback, ERB extraction) and send back what the report needs of each: its syntax findings,
whether it ran past its budget, and the bytes it parsed when they differ from the file's (ERB code,
blanked heredocs). Trees cannot cross processes, so they stay behind: the main process rebuilds a
tree only when a rule asks for it (ParsedFile.tree), and rules look at a file's text first, so most
files are never parsed twice. Results come back in the files' order: a parallel run reports exactly
what a serial one does.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from grader.core.repo import Entry
from static_checks import forked
from static_checks.records import Finding
from static_checks.parsing import ParsedFile, parse_source, syntax_findings
from static_checks.sources import SourceFile

# Below this much Ruby (about a tenth of a second of parsing), starting workers costs more than
# they save: one app stays in one process, a tree of apps or a standard library is shared out.
PARALLEL_MIN_BYTES = 500_000
SHARES_PER_WORKER = 4  # smaller shares even out files of very different sizes

# (over-budget reason, parsed bytes when not the file's own, heredocs blanked, syntax findings)
Outcome = tuple[str | None, bytes | None, bool, list[Finding]]


def outcome(src: SourceFile, data: bytes) -> tuple[ParsedFile, Outcome]:
    pf = parse_source(src, data)
    if pf.over_budget:
        return pf, (pf.over_budget, None, False, [])
    return pf, (None, None if pf.source == data else pf.source, pf.heredocs_blanked, syntax_findings(pf))


def _parse_share(files: list[tuple[SourceFile, bytes]], span: tuple[int, int]) -> list[Outcome]:
    return [outcome(*files[i])[1] for i in range(*span)]


def _shares(files: list[tuple[SourceFile, bytes]], count: int) -> list[tuple[int, int]]:
    """Consecutive index ranges of about equal bytes."""
    total = sum(len(data) for _src, data in files) or 1
    spans, start, acc = [], 0, 0
    for i, (_src, data) in enumerate(files):
        acc += len(data)
        if acc * count >= total * (len(spans) + 1) and i + 1 < len(files):
            spans.append((start, i + 1))
            start = i + 1
    spans.append((start, len(files)))
    return spans


def rebuilt(src: SourceFile, data: bytes, outcome: Outcome) -> ParsedFile:
    over, parsed_bytes, blanked, _findings = outcome
    if over:
        return ParsedFile(rel=src.rel, kind=src.kind, source=b"", over_budget=over)
    return ParsedFile(rel=src.rel, kind=src.kind, source=data if parsed_bytes is None else parsed_bytes,
                      heredocs_blanked=blanked)


@dataclass
class TextShare:
    """The text rules' reading of the Ruby files, done by the workers that parse them, on their trees
    (a tree left behind would be parsed again for its comments). Filled only when workers ran: then
    `found` holds those files' text findings and `scanned` their names; the rest is the caller's."""

    base: Path
    files: list[Entry]  # every file the text rules read: discovery's listing (SourceSet.text_files)
    found: list[Finding] = field(default_factory=list)
    scanned: set[str] = field(default_factory=set)

    def split(self, sources: list[tuple[SourceFile, bytes]]) -> dict[str, Entry]:
        """Of the repo's files, those the workers read: the Ruby sources among them."""
        ruby = {src.rel for src, _data in sources if src.kind == "ruby"}
        return {e.rel: e for e in self.files if e.rel == e.display and e.rel in ruby}

    def rest(self) -> list[Entry]:
        return [e for e in self.files if e.rel not in self.scanned]


def parse_all(files: list[tuple[SourceFile, bytes]], jobs: int | None = None,
              text: TextShare | None = None) -> list[tuple[ParsedFile, list[Finding]]]:
    """Each file parsed (or marked over its budget) with its syntax findings, in the given order.
    jobs: processes to use (None: every core); one, little code, or a threaded caller: this process only.
    text: when workers parse, they also run the text rules on the Ruby files (see TextShare)."""
    jobs = forked.default_jobs() if jobs is None else jobs
    if jobs > 1 and sum(len(data) for _src, data in files) >= PARALLEL_MIN_BYTES and forked.can_fork():
        outcomes = _in_workers(files, jobs) if text is None else _in_scanning_workers(files, jobs, text)
        if outcomes is not None:
            return [(rebuilt(src, data, out), out[3]) for (src, data), out in zip(files, outcomes)]
    done = []
    for src, data in files:
        pf, out = outcome(src, data)
        done.append((pf, out[3]))
    return done


def _in_workers(files: list[tuple[SourceFile, bytes]], jobs: int) -> list[Outcome] | None:
    """Outcomes in order, or None when a worker died (the caller then parses here)."""
    shares = forked.forked_map(_parse_share, files, _shares(files, jobs * SHARES_PER_WORKER), jobs)
    return None if shares is None else [out for share in shares for out in share]


def _parse_scan_share(shared: tuple[list[tuple[SourceFile, bytes]], Path, dict[str, Entry]],
                      span: tuple[int, int]) -> tuple[list[Outcome], list[Finding]]:
    from static_checks.text_rules import run_text_rules

    files, base, entries = shared
    done = [outcome(*files[i]) for i in range(*span)]
    only = [entries[files[i][0].rel] for i in range(*span) if files[i][0].rel in entries]
    kept = [pf for pf, out in done if not out[0]]
    return [out for _pf, out in done], (run_text_rules(base, kept, only=only) if only else [])


def _in_scanning_workers(files: list[tuple[SourceFile, bytes]], jobs: int, text: TextShare) -> list[Outcome] | None:
    from static_checks.text_rules import text_rules

    text_rules()  # imported once here, not once per worker
    entries = text.split(files)
    shares = forked.forked_map(_parse_scan_share, (files, text.base, entries),
                               _shares(files, jobs * SHARES_PER_WORKER), jobs)
    if shares is None:
        return None
    text.found = [f for _outcomes, found in shares for f in found]
    text.scanned = set(entries)
    return [out for outcomes, _found in shares for out in outcomes]
