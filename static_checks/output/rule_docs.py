"""The rules' own docs, rendered: a list for `--list-rules` / `grader rules`, one rule in full, SARIF help."""

from __future__ import annotations

from static_checks.rules.base import Rule


def find_rule(rule_id: str) -> Rule | None:
    """A rule by id; the `rubyllm/` prefix may be left out."""
    from static_checks.rules import get_rule
    from static_checks.text_rules import get_text_rule

    return get_rule(rule_id) or get_rule(f"rubyllm/{rule_id}") or get_text_rule(rule_id)


def list_text(rules: tuple[Rule, ...] | list[Rule], noun: str = "rules") -> str:
    """One block per rule: id, severity, category and proof, then what it reports and why."""
    width = max((len(r.id) for r in rules), default=0)
    out: list[str] = []
    for r in rules:
        out.append(f"{r.id:<{width}}  {r.severity.value:<7}  {r.category.value}, proof: {r.proof.value}")
        out.append(f"{'':<{width}}  {r.summary}")
        out.append(f"{'':<{width}}  why: {r.why}")
    out.append(f"{len(rules)} {noun}; `grader rules show ID` prints one with its examples")
    return "\n".join(out) + "\n"


def _indented(code: str) -> str:
    return "\n".join(f"    {line}" if line else "" for line in code.splitlines())


def rule_text(r: Rule) -> str:
    return "\n".join([
        f"{r.id}  ({r.severity.value}, {r.category.value})",
        "",
        r.summary,
        "",
        f"Why it matters: {r.why}",
        f"Proof: {r.proof.value}: {r.proof.meaning}",
        "",
        "Reported:",
        _indented(r.bad),
        "",
        "Not reported:",
        _indented(r.good),
    ]) + "\n"


def rule_markdown(r: Rule) -> str:
    return "\n".join([
        f"**{r.summary}**",
        "",
        f"Why it matters: {r.why}",
        "",
        f"Proof ({r.proof.value}): {r.proof.meaning}.",
        "",
        "Reported:",
        "",
        "```ruby",
        r.bad,
        "```",
        "",
        "Not reported:",
        "",
        "```ruby",
        r.good,
        "```",
    ]) + "\n"
