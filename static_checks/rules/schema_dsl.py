"""rubyllm/schema-dsl: a RubyLLM::Schema subclass using a DSL method the schema gem does not have."""

from __future__ import annotations

from static_checks.rules.base import Proof, Rule, short_list
from static_checks.rules.model.missing import absent_call_findings


def _describe(an, tc, names):
    return (
        f"schema `{tc.rtype.app_class}` uses `{tc.name}`, which is not a RubyLLM::Schema DSL method",
        f"RubyLLM::Schema (ruby_llm-schema {an.index.schema_version or '?'} for ruby_llm {an.version}, "
        f"manifest) has no class method `{tc.name}`; DSL: {short_list(names, 20)}",
    )


def check(ctx):
    return absent_call_findings(RULE, ctx, "schema-dsl", _describe)



RULE = Rule(
    id="rubyllm/schema-dsl",
    summary="A RubyLLM::Schema subclass using a DSL method the schema gem does not have",
    why="The class body raises NoMethodError when it loads, so structured output never works.",
    bad="""
    class PersonSchema < RubyLLM::Schema
      string :name
      property :email
    end
""",
    good="""
    class PersonSchema < RubyLLM::Schema
      string :name
      string :email
    end
""",
    proof=Proof.absence,
    check=check,
)
