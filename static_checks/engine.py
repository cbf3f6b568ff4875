"""One static check of a folder: discover, resolve versions, parse, run rules."""

from __future__ import annotations

import gc
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from static_checks import __version__
from static_checks.context import ProjectContext
from static_checks.models import AppRoot, CheckReport, Finding, SkippedFile
from static_checks.parsing import ParsedFile
from static_checks.sources import DEFAULT_MAX_BYTES, PassReader, SourceFile, discover, read_source


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


def _owner_root(rel: str, roots: list[str] | set[str]) -> str:
    """The deepest app root containing `rel` (roots are folder paths, "." is the top)."""
    folder = rel
    while "/" in folder:  # from the file's folder up: a lookup per level, not a scan of every root
        folder = folder.rpartition("/")[0]
        if folder in roots:
            return folder
    return "."


def parse_tree(base: Path, max_bytes: int = DEFAULT_MAX_BYTES, jobs: int | None = None):
    """Parse every Ruby source under base. Returns (sources, parsed files, findings, skipped).
    jobs: processes for the syntax pass (None: every core when there are many files; see parse_pool)."""
    from static_checks.parse_pool import parse_all

    sources = discover(base, max_bytes=max_bytes)
    readable: list[tuple[SourceFile, bytes]] = []
    skipped: list[SkippedFile] = list(sources.skipped)
    unread: dict[int, SkippedFile] = {}  # position among the sources -> why it was not read
    reader = PassReader(sources.base, max_bytes=max_bytes)
    for src in sources.files:
        data, reason = read_source(src, reader)
        if data is None:
            unread[len(readable) + len(unread)] = SkippedFile(file=src.rel, reason=reason or "unreadable")
        else:
            readable.append((src, data))
    parsed: list[ParsedFile] = []
    findings: list[Finding] = []
    done = iter(parse_all(readable, jobs=jobs))
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
                override: str | None) -> tuple[AppRoot, list[Finding], dict]:
    """One app root: its ruby_llm version, the manifest of that release, the rules' findings and
    the analysis they built (reused by the facts)."""
    from static_checks.manifest.index import ManifestIndex
    from static_checks.manifest.versions import resolve_schema_version, resolve_version
    from static_checks.rules import run_rules

    root_dir = base if name == "." else base / name
    version, source, detail = resolve_version(root_dir, override=override)
    root = AppRoot(path=name, ruby_llm_version=version, version_source=source, version_detail=detail)
    # the app's own ruby_llm-schema pin (RubyLLM::Schema, RubyLLM::Helpers) wins over the one ruby_llm implies
    index = ManifestIndex.load(version, schema_version=resolve_schema_version(root_dir))
    ctx = ProjectContext(root=root, files=files, index=index, root_dir=root_dir)
    return root, run_rules(ctx), ctx.cache


def _root_in_worker(shared: tuple[Path, list[tuple[str, list[ParsedFile]]], str | None],
                    i: int) -> tuple[AppRoot, list[Finding]]:
    base, units, override = shared
    root, found, _cache = _check_root(base, units[i][0], units[i][1], override)
    return root, found  # the cache holds trees, which cannot cross processes (and only facts need it)


def _check_roots(base: Path, units: list[tuple[str, list[ParsedFile]]], override: str | None,
                 jobs: int) -> list[tuple[AppRoot, list[Finding], dict]]:
    """Every root, in order; across processes when there are several big enough to share out."""
    from static_checks.forked import can_fork, forked_map
    from static_checks import parse_pool

    busy = [i for i, (_name, files) in enumerate(units) if files]
    code = sum(len(pf.source) for _name, files in units for pf in files)
    if jobs > 1 and len(busy) > 1 and code >= parse_pool.PARALLEL_MIN_BYTES and can_fork():
        from static_checks.manifest.index import SCHEMA_GEM, available_versions
        from static_checks.rules import all_rules

        all_rules()  # imported and read once here, not once per worker
        available_versions()
        available_versions(SCHEMA_GEM)
        size = {i: sum(len(pf.source) for pf in units[i][1]) for i in busy}
        first = sorted(range(len(units)), key=lambda i: -size.get(i, 0))
        done = forked_map(_root_in_worker, (base, units, override), range(len(units)), jobs, first=first)
        if done is not None:
            return [(root, found, {}) for root, found in done]
    return [_check_root(base, name, files, override) for name, files in units]


def check_path(
    path: Path,
    ruby_llm_version: str | None = None,
    max_bytes: int = DEFAULT_MAX_BYTES,
    with_facts: bool = False,
    jobs: int | None = None,
) -> CheckReport:
    """Findings for a folder; with_facts also fills CheckReport.facts (static_checks.facts).
    jobs: processes to use (None: every core when the tree is big; 1: this process only). With facts
    it is one: they walk every tree, which must then stay in this process."""
    from static_checks.forked import default_jobs

    path = Path(path)
    if not path.exists():
        raise InputError(f"no such path: {path}")
    if not path.is_dir():
        raise InputError(f"not a folder: {path} (archives are unpacked by `grader`)")
    base = path.resolve()
    jobs = 1 if with_facts else (default_jobs() if jobs is None else jobs)
    with _fewer_gc_passes():
        return _check_base(base, ruby_llm_version, max_bytes, with_facts, jobs)


def _check_base(base: Path, ruby_llm_version: str | None, max_bytes: int, with_facts: bool, jobs: int) -> CheckReport:
    sources, parsed, findings, skipped = parse_tree(base, max_bytes, jobs=jobs)

    root_names = list(sources.app_roots)
    by_root: dict[str, list[ParsedFile]] = {r: [] for r in root_names}
    known = set(root_names)
    for pf in parsed:
        by_root.setdefault(_owner_root(pf.rel, known), []).append(pf)
    if "." in by_root and "." not in root_names:
        # Ruby outside any Gemfile's folder is still checked, against the top's version rules.
        root_names.insert(0, ".")
    roots: list[AppRoot] = []
    caches: dict[str, dict] = {}  # per-root analysis the rules built, reused by the facts
    units = [(name, by_root.get(name, [])) for name in root_names]
    for (name, _files), (root, found, cache) in zip(units, _check_roots(base, units, ruby_llm_version, jobs)):
        roots.append(root)
        findings.extend(found)
        caches[name] = cache
    from static_checks.text_rules import run_text_rules

    findings.extend(run_text_rules(base, parsed))  # once per folder: rules over any text file (README, views)

    findings.sort(key=lambda f: (f.file, f.line, f.column, f.rule))
    facts = []
    if with_facts:
        # Same parse trees and findings: facts never re-parse a file.
        from static_checks.facts import collect_facts

        facts = collect_facts(base, parsed, findings, roots, shared=caches)
    return CheckReport(
        tool_version=__version__,
        roots=roots,
        findings=findings,
        files_analyzed=len(parsed),
        skipped=skipped,
        facts=facts,
    )
