"""Rule 1: a constant under RubyLLM that the gem does not define (e.g. an invented client class)."""

from __future__ import annotations

from dataclasses import dataclass

import tree_sitter as ts

from static_checks.manifest.index import ManifestIndex, available_versions
from static_checks.models import Category, Severity
from static_checks.rules.analysis import Analysis, all_releases, analysis
from static_checks.rules.base import Rule, did_you_mean, short_list
from static_checks.types.scan import FileScan

_GUARDS = ("defined?", "const_defined?", "safe_constantize")


@dataclass
class MissingConstant:
    fs: FileScan
    node: ts.Node
    path: str  # the first missing prefix, e.g. "RubyLLM::Client"
    versions: list[str]


def _guarded(node: ts.Node) -> bool:
    cur = node.parent
    for _ in range(4):
        if cur is None:
            return False
        if cur.type in ("unary", "call") and any(g.encode() in (cur.text or b"")[:40] for g in _GUARDS):
            return True
        cur = cur.parent
    return False


def missing_constants(an: Analysis) -> list[MissingConstant]:
    cached = an.ctx.cache.get("missing_constants")
    if cached is not None:
        return cached  # type: ignore[return-value]
    index, project = an.index, an.project
    # constants the app defines itself; a test file's stub of the gem counts in tests only
    defined: dict[bool, set[str]] = {False: set(), True: set()}
    for app in project.classes.values():
        for d in app.defs:
            for in_test in {True, d.file.is_test}:
                defined[in_test].add(app.fq)
    for fs in project.scans:
        for in_test in {True, fs.is_test}:
            defined[in_test] |= fs.const_assigns
    out: list[MissingConstant] = []
    for fs in project.scans:
        app_defined = defined[fs.is_test]
        for node, path, _scope in fs.consts:
            clean = path.lstrip(":")
            if not clean.startswith("RubyLLM::"):
                continue
            parts = clean.split("::")
            for i in range(2, len(parts) + 1):
                prefix = "::".join(parts[:i])
                if index.has_constant(prefix):
                    continue
                if prefix in app_defined or any(p.startswith(prefix + "::") for p in app_defined):
                    break
                if _guarded(node) or _schema_elsewhere(an, prefix) or an.from_extension(prefix):
                    break
                out.append(MissingConstant(fs, node, prefix, index.versions_with_constant(prefix)))
                break
    an.ctx.cache["missing_constants"] = out
    return out


def _schema_elsewhere(an: Analysis, prefix: str) -> bool:
    """A constant of a separately required ruby_llm-schema gem (ruby_llm before 1.9 lacks it)."""
    if an.index.namespace("RubyLLM::Schema") is not None:
        return False
    if not any(b"ruby_llm-schema" in pf.source for pf in an.ctx.files
               if pf.rel.rsplit("/", 1)[-1] == "Gemfile" or pf.rel.endswith(".gemspec")):
        return False
    newest = available_versions("ruby_llm-schema")[-1]
    return ManifestIndex.load(newest, gem="ruby_llm-schema").has_constant(prefix)


def check(ctx):
    an = analysis(ctx)
    for miss in missing_constants(an):
        if miss.versions:
            continue
        owner, _, short = miss.path.rpartition("::")
        ns = an.index.namespace(owner)
        siblings = [n.rpartition("::")[2] for n in an.index.namespace_names() if n.rpartition("::")[0] == owner]
        if ns is not None:
            siblings += ns.constants
        yield RULE.finding(
            miss.fs.pf,
            miss.node,
            f"`{miss.path}` does not exist in ruby_llm",
            f"ruby_llm {an.version} (manifest) defines no constant {miss.path}, nor does any release "
            f"({all_releases()}); "
            f"constants under {owner}: {short_list(siblings)}",
            hint=did_you_mean(short, siblings),
        )


RULE = Rule(
    id="rubyllm/unknown-constant",
    category=Category.api_hallucination,
    severity=Severity.error,
    title="Unknown constant under RubyLLM",
    check=check,
)
