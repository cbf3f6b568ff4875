"""Absence findings against a ruby_llm from git or a local path become unverifiable infos."""

from __future__ import annotations

import re

from static_checks.context import ProjectContext
from static_checks.manifest.versions import is_unreleased_source
from static_checks.records import Category, Finding, Severity, VersionSource


def for_unreleased_source(
    ctx: ProjectContext, findings: list[Finding], absence_rules: frozenset[str]
) -> list[Finding]:
    """Findings of `absence_rules` become unverifiable infos when the root runs ruby_llm from git or a path.

    Their proof is "no release (or not the locked one) defines X", which is void against a checkout that
    may be ahead of every release. Done once here rather than in each rule; other findings keep their
    severity and gain the caveat.
    """
    root = ctx.root
    if not is_unreleased_source(root.version_source):
        return findings
    detail = root.version_detail or root.version_source.value
    if root.version_source is VersionSource.not_bundled:
        origin = "RubyLLM from a gem other than ruby_llm (its Gemfile.lock bundles no ruby_llm)"
    else:
        rev = re.search(r"@([0-9a-f]{7,40})", detail)
        at = f" at {rev.group(1)}" if rev else ""
        origin = f"unreleased ruby_llm from {root.version_source.value}{at}"
    short = f"unverifiable: the app uses {origin}; checked against the nearest release {root.ruby_llm_version}"
    caveat = f"ruby_llm comes from {detail}"
    out = []
    for f in findings:
        if f.category is Category.invented_use:  # follows its root, which just became unverifiable
            out.append(f.model_copy(update={"severity": Severity.info, "message": f"{f.message} ({short})"}))
        elif f.category is not Category.api_hallucination:
            out.append(f)
        elif f.rule in absence_rules:
            out.append(f.model_copy(update={
                "category": Category.unverifiable, "severity": Severity.info,
                "message": f"{f.message} ({short})",
                "evidence": f"{f.evidence}; {caveat}",
            }))
        else:
            out.append(f.model_copy(update={"evidence": f"{f.evidence}; {caveat}"}))
    return out
