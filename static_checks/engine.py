"""One static check of a folder: discover, resolve versions, parse, run rules."""

from __future__ import annotations

import gc
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

from static_checks import __version__
from static_checks.records import AppRoot, CheckReport, Finding, SkippedFile
from static_checks.roots import owner_root as _owner_root
from static_checks.roots import root_names as _root_names
from static_checks.sources import DEFAULT_MAX_BYTES, PassReader, SourceFile, SourceSet, discover, read_source

if TYPE_CHECKING:  # the parser and the rules' context load when there is code to check
    from static_checks.parsing import ParsedFile


def _only_thread() -> bool:
    return threading.active_count() == 1


@contextmanager
def _fewer_gc_passes() -> Iterator[None]:
    """Reference counting frees nearly all an analysis builds; the cycle collector's passes over its
    young objects (nodes, models) were a tenth of a check's time. Run it less often meanwhile (the
    setting is process-wide, so only when no other thread could be relying on it)."""
    if not _only_thread():
        yield
        return
    before = gc.get_threshold()
    gc.set_threshold(max(before[0], 50_000), *before[1:])
    try:
        yield
    finally:
        gc.set_threshold(*before)


class InputError(Exception):
    """Bad usage or input (missing path, unreadable archive): exit code 2."""


Read = tuple[SourceSet, list[tuple[SourceFile, bytes]], dict[int, SkippedFile]]


def discover_and_read(base: Path, max_bytes: int = DEFAULT_MAX_BYTES) -> Read:
    """The sources under base, the bytes of those that could be read, and (by position among the
    sources) why the others could not."""
    return read_sources(discover(base, max_bytes=max_bytes), max_bytes)


def read_sources(sources: SourceSet, max_bytes: int = DEFAULT_MAX_BYTES) -> Read:
    """discover_and_read for sources already discovered."""
    readable: list[tuple[SourceFile, bytes]] = []
    unread: dict[int, SkippedFile] = {}
    reader = PassReader(sources.base, max_bytes=max_bytes)
    for src in sources.files:
        data, reason = read_source(src, reader)
        if data is None:
            unread[len(readable) + len(unread)] = SkippedFile(file=src.rel, reason=reason or "unreadable")
        else:
            readable.append((src, data))
    return sources, readable, unread


def parse_tree(base: Path, max_bytes: int = DEFAULT_MAX_BYTES, jobs: int | None = None, read: Read | None = None,
               text=None):
    """Parse every Ruby source under base. Returns (sources, parsed files, findings, skipped).
    jobs: processes for the syntax pass (None: every core when there are many files; see parse_pool).
    read: what discover_and_read(base) returned, when the caller has it already. text: a
    parse_pool.TextShare, for workers to run the text rules on the Ruby they parse."""
    sources, readable, unread = read or discover_and_read(base, max_bytes)
    skipped: list[SkippedFile] = list(sources.skipped)
    parsed: list[ParsedFile] = []
    findings: list[Finding] = []
    done: Iterator[tuple[ParsedFile, list[Finding]]] = iter(())
    if readable:  # the parser loads when there is something to parse
        from static_checks.parse_pool import parse_all

        done = iter(parse_all(readable, jobs=jobs, text=text))
    for position in range(len(sources.files)):  # skips listed in the files' order, as they were met
        if position in unread:
            skipped.append(unread[position])
            continue
        pf, syntax = next(done)
        if pf.over_budget:  # past its time budget (grader.core.budget): reported, and the rest completes
            skipped.append(SkippedFile(file=pf.rel, reason=pf.over_budget))
            continue
        parsed.append(pf)
        findings.extend(syntax)
    return sources, parsed, findings, skipped


def _check_root(base: Path, name: str, files: list[ParsedFile],
                override: str | None) -> tuple[AppRoot, list[Finding], dict, list[str]]:
    """One app root: its ruby_llm version, the manifest of that release, the rules' findings, the
    analysis they built (reused by the facts) and what the time budget cut short."""
    from static_checks.context import ProjectContext
    from static_checks.manifest.index import ManifestIndex
    from static_checks.manifest.versions import resolve_schema_version, resolve_version
    from static_checks.rules import run_rules

    root_dir = base if name == "." else base / name
    version, source, detail = resolve_version(root_dir, override=override)
    root = AppRoot(path=name, ruby_llm_version=version, version_source=source, version_detail=detail)
    # the app's own ruby_llm-schema pin (RubyLLM::Schema, RubyLLM::Helpers) wins over the one ruby_llm implies
    index = ManifestIndex.load(version, schema_version=resolve_schema_version(root_dir))
    ctx = ProjectContext(root=root, files=files, index=index, root_dir=root_dir)
    cut: list[str] = []
    found = run_rules(ctx, incomplete=cut)
    return root, found, ctx.cache, cut


def _check_roots(base: Path, units: list[tuple[str, list[ParsedFile]]],
                 override: str | None) -> list[tuple[AppRoot, list[Finding], dict, list[str]]]:
    return [_check_root(base, name, files, override) for name, files in units]


def check_path(
    path: Path,
    ruby_llm_version: str | None = None,
    max_bytes: int = DEFAULT_MAX_BYTES,
    with_facts: bool = False,
    jobs: int | None = None,
    light: bool = False,
):
    """Findings for a folder, as the public typed model (static_checks.models.CheckReport); with_facts
    also fills its facts (static_checks.facts). jobs: processes to use (None: every core when the tree
    is big; 1: this process only). With facts it is one: they walk every tree, which must then stay in
    this process. light: the report in the check's own records (static_checks/records.py) instead, as
    `grader check` renders it without loading pydantic."""
    report = _check_tree(path, ruby_llm_version, max_bytes, with_facts, jobs)
    if light:
        return report
    from static_checks.models import typed

    return typed(report)


def _check_tree(path: Path, ruby_llm_version: str | None, max_bytes: int, with_facts: bool,
                jobs: int | None) -> CheckReport:
    from static_checks.forked import default_jobs

    path = Path(path)
    if not path.exists():
        raise InputError(f"no such path: {path}")
    if not path.is_dir():
        raise InputError(f"not a folder: {path} (archives are unpacked by `grader`)")
    if ruby_llm_version is not None:  # a bad override is bad input whether or not the folder holds an app
        from static_checks.manifest.versions import known_override

        try:
            known_override(ruby_llm_version)
        except ValueError as exc:
            raise InputError(str(exc)) from None
    base = path.resolve()
    jobs = 1 if with_facts else (default_jobs() if jobs is None else jobs)
    with _fewer_gc_passes():
        return _check_base(base, ruby_llm_version, max_bytes, with_facts, jobs)


def _check_base(base: Path, ruby_llm_version: str | None, max_bytes: int, with_facts: bool, jobs: int) -> CheckReport:
    found = discover(base, max_bytes=max_bytes)
    if jobs > 1 and not with_facts and len(found.files) > 1:
        from static_checks.root_pool import check_across_roots

        # a tree of apps: each worker reads its own roots' files (this process only walked the tree)
        report = check_across_roots(base, found, ruby_llm_version, jobs, _check_root)
        if report is not None:
            return report
    read = read_sources(found, max_bytes)
    # facts keep every tree in this process; else parsing workers also read the Ruby for the text rules
    text = None
    if not with_facts and read[1]:
        from static_checks.parse_pool import TextShare

        text = TextShare(base, found.text_files)
    sources, parsed, findings, skipped = parse_tree(base, max_bytes, jobs=jobs, read=read, text=text)

    root_names = _root_names(sources.app_roots, [pf.rel for pf in parsed])
    by_root: dict[str, list[ParsedFile]] = {r: [] for r in root_names}
    known = set(sources.app_roots)
    for pf in parsed:
        by_root[_owner_root(pf.rel, known)].append(pf)
    roots: list[AppRoot] = []
    incomplete: list[str] = []
    caches: dict[str, dict] = {}  # per-root analysis the rules built, reused by the facts
    units = [(name, by_root[name]) for name in root_names]
    for (name, _files), (root, found, cache, cut) in zip(units, _check_roots(base, units, ruby_llm_version)):
        roots.append(root)
        findings.extend(found)
        caches[name] = cache
        incomplete.extend(cut)

    # once per folder: rules over any text file (README, views); the Ruby's may be done already.
    # The files are those discovery walked (sources.text_files): the tree is not walked again.
    if sources.text_files:
        from static_checks.text_rules import run_text_rules

        raw = {src.rel: data for src, data in read[1]}  # not read again (ERB templates: parsed is their code)
        if text is not None and text.scanned:
            findings.extend(text.found)
            findings.extend(run_text_rules(base, parsed, only=text.rest(), read=raw))
        else:
            findings.extend(run_text_rules(base, parsed, only=sources.text_files, read=raw))

    findings.sort(key=lambda f: (f.file, f.line, f.column, f.rule))
    facts = []
    if with_facts:
        # Same parse trees and findings: facts never re-parse a file.
        from static_checks.facts import collect_facts

        facts = collect_facts(base, parsed, findings, roots, shared=caches, incomplete=incomplete)
    # Files the rules or the collectors gave up on (their own time budget) are reported as skipped.
    skipped.extend(SkippedFile(file=pf.rel, reason=pf.over_budget) for pf in parsed if pf.over_budget)
    return CheckReport(
        tool_version=__version__,
        roots=roots,
        findings=findings,
        files_analyzed=len(parsed),
        skipped=skipped,
        facts=facts,
        incomplete=incomplete,
    )
