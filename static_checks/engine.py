"""One static check of a folder: discover, resolve versions, parse, run rules."""

from __future__ import annotations

from pathlib import Path

from static_checks import __version__
from static_checks.context import ProjectContext
from static_checks.models import AppRoot, CheckReport, Finding, SkippedFile
from static_checks.parsing import ParsedFile
from static_checks.sources import DEFAULT_MAX_BYTES, SourceFile, discover, read_source


class InputError(Exception):
    """Bad usage or input (missing path, unreadable archive): exit code 2."""


def _owner_root(rel: str, roots: list[str]) -> str:
    """The deepest app root containing `rel` (roots are folder paths, "." is the top)."""
    best = "."
    for root in roots:
        if root != "." and (rel == root or rel.startswith(root + "/")) and len(root) > len(best):
            best = root
    return best


def parse_tree(base: Path, max_bytes: int = DEFAULT_MAX_BYTES, jobs: int | None = None):
    """Parse every Ruby source under base. Returns (sources, parsed files, findings, skipped).
    jobs: processes for the syntax pass (None: every core when there are many files; see parse_pool)."""
    from static_checks.parse_pool import parse_all

    sources = discover(base, max_bytes=max_bytes)
    readable: list[tuple[SourceFile, bytes]] = []
    skipped: list[SkippedFile] = list(sources.skipped)
    unread: dict[int, SkippedFile] = {}  # position among the sources -> why it was not read
    for src in sources.files:
        data, reason = read_source(src)
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


def check_path(
    path: Path,
    ruby_llm_version: str | None = None,
    max_bytes: int = DEFAULT_MAX_BYTES,
    with_facts: bool = False,
    jobs: int | None = None,
) -> CheckReport:
    """Findings for a folder; with_facts also fills CheckReport.facts (static_checks.facts).
    jobs: processes for the syntax pass (None: every core when the tree is big; 1: this process only)."""
    from static_checks.manifest.index import ManifestIndex
    from static_checks.manifest.versions import resolve_schema_version, resolve_version
    from static_checks.rules import run_rules

    path = Path(path)
    if not path.exists():
        raise InputError(f"no such path: {path}")
    if not path.is_dir():
        raise InputError(f"not a folder: {path} (archives are unpacked by `grader`)")
    base = path.resolve()
    sources, parsed, findings, skipped = parse_tree(base, max_bytes, jobs=jobs)

    root_names = list(sources.app_roots)
    by_root: dict[str, list[ParsedFile]] = {r: [] for r in root_names}
    for pf in parsed:
        by_root.setdefault(_owner_root(pf.rel, root_names), []).append(pf)
    if "." in by_root and "." not in root_names:
        # Ruby outside any Gemfile's folder is still checked, against the top's version rules.
        root_names.insert(0, ".")
    roots: list[AppRoot] = []
    caches: dict[str, dict] = {}  # per-root analysis the rules built, reused by the facts
    for name in root_names:
        root_dir = base if name == "." else base / name
        version, source, detail = resolve_version(root_dir, override=ruby_llm_version)
        root = AppRoot(path=name, ruby_llm_version=version, version_source=source, version_detail=detail)
        roots.append(root)
        # the app's own ruby_llm-schema pin (RubyLLM::Schema, RubyLLM::Helpers) wins over the one ruby_llm implies
        index = ManifestIndex.load(version, schema_version=resolve_schema_version(root_dir))
        ctx = ProjectContext(root=root, files=by_root.get(name, []), index=index, root_dir=root_dir)
        findings.extend(run_rules(ctx))
        caches[name] = ctx.cache

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
