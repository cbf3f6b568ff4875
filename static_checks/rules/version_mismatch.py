"""rubyllm/version-mismatch: an API that exists in other ruby_llm releases but not in the one the app locks."""

from __future__ import annotations

from static_checks.records import Severity, VersionSource
from static_checks.rules.base import Proof, Rule
from static_checks.rules.model.analysis import analysis
from static_checks.rules.model.missing import missing_calls
from static_checks.rules.model.wording import owner_label, version_phrase, version_ranges
from static_checks.rules.unknown_constant import missing_constants

# With an exact release (lock file or the user's override) the call raises NoMethodError or
# NameError when the app runs: an error. A version inferred from a constraint or the newest
# release may not be the one the app really bundles: a warning.
EXACT_SOURCES = frozenset({VersionSource.gemfile_lock, VersionSource.override})


def severity_for(source: VersionSource) -> Severity:
    return Severity.error if source in EXACT_SOURCES else Severity.warning


def check(ctx):
    an = analysis(ctx)
    locked = an.version
    severity = severity_for(ctx.root.version_source)
    for miss in missing_calls(an):
        if not miss.versions:
            continue
        tc = miss.tc
        label = owner_label(tc.rtype, tc.name)
        phrase = version_phrase(locked, miss.versions)
        yield RULE.finding(
            tc.pf,
            tc.method_node,
            f"`{label}` is not in ruby_llm {locked} ({phrase})",
            f"{tc.rtype.name} in ruby_llm {locked} (manifest) has no method `{tc.name}`; "
            f"releases that have it: {version_ranges(miss.versions)}",
            hint=f"upgrade ruby_llm to {miss.versions[-1]} or avoid `{tc.name}`",
            severity=severity,
        )
    for miss in missing_constants(an):
        if not miss.versions:
            continue
        phrase = version_phrase(locked, miss.versions)
        yield RULE.finding(
            miss.fs.pf,
            miss.node,
            f"`{miss.path}` is not defined in ruby_llm {locked} ({phrase})",
            f"ruby_llm {locked} (manifest) defines no constant {miss.path}; "
            f"releases that have it: {version_ranges(miss.versions)}",
            hint=f"upgrade ruby_llm to {miss.versions[-1]} or avoid `{miss.path}`",
            severity=severity,
        )



RULE = Rule(
    id="rubyllm/version-mismatch",
    summary="An API other releases have, but not the one the app locks",
    why=(
        "The code was written against another release of ruby_llm than the one it bundles: it raises "
        "NoMethodError or NameError on the locked version."
    ),
    bad="""
    # locked: ruby_llm 1.6.2
    RubyLLM.chat.with_thinking(effort: :low)
""",
    good="""
    # locked: ruby_llm 1.10.0
    RubyLLM.chat.with_thinking(effort: :low)
""",
    proof=Proof.absence,
    check=check,
    severity=Severity.warning,
)
