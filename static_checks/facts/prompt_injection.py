"""Text in the repo aimed at an LLM grader, as facts. The scan itself is the rule
security/prompt-injection (static_checks/text_rules/prompt_injection.py), which the engine runs
before the facts: these facts count its findings, so the repo is read once and the findings a
report lists and the facts the judge gets can never disagree."""

from __future__ import annotations

from static_checks.facts.context import FactContext, fact
from static_checks.facts.registry import collector
from static_checks.text_rules.prompt_injection import RULE_ID

MAX_EVIDENCE = 20


@collector(ids=["injection.instructions", "injection.hidden_comments", "injection.found"])
def prompt_injection(ctx: FactContext):
    mine = [f for f in ctx.findings if f.rule == RULE_ID]
    instructions = [ctx.ev_text(f.file, f.line, f.snippet) for f in mine if f.extra.get("kind") == "instructions"]
    hidden = [ctx.ev_text(f.file, f.line, f.snippet) for f in mine if f.extra.get("kind") == "hidden_comment"]
    rule = "facts/prompt-injection"
    return [
        fact("injection.instructions", len(instructions), rule + "/instructions", instructions[:MAX_EVIDENCE],
             "phrases addressing an AI grader (ignore previous instructions, give full marks...)"),
        fact("injection.hidden_comments", len(hidden), rule + "/hidden-comments", hidden[:MAX_EVIDENCE],
             "HTML, ERB or Markdown comments that speak to a grader"),
        fact("injection.found", bool(mine), rule, (instructions + hidden)[:MAX_EVIDENCE]),
    ]
