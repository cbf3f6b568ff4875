"""rubyllm/unverifiable-model-call: a name on an acts_as model that no source we could read defines.

The model's closed world (static_checks/models_world) has a gap: a module from another gem, a
class-body macro or block we cannot follow, no schema or table. So the call is neither proven
invented nor proven real: reported as an info with the gap, never as an error.
"""

from __future__ import annotations

from static_checks.records import Category, Severity
from static_checks.models_world.relations import self_in_class_body_block
from static_checks.rules.base import Proof, Rule
from static_checks.rules.model.analysis import analysis


def check(ctx):
    an = analysis(ctx)
    for tc in an.typed_calls:
        t = tc.rtype
        if not tc.explicit or not t.app_class or an.guarded(tc) or \
                (t.open and t.singleton and self_in_class_body_block(tc.call)):
            continue
        look = an.lookup(t, tc.name, tc.fs.is_test)
        if look.status != "unverifiable":
            continue
        if not t.open:  # an app class built on RubyLLM (a tool, an agent) whose body declares names we cannot read
            if not an.versions_with_method(t, tc.name):
                yield RULE.finding(
                    tc.pf, tc.method_node,
                    f"cannot verify `{tc.name}` on {t.describe()}: no source we read defines it",
                    f"not in {t.name}'s {'class' if t.singleton else 'instance'} API (ruby_llm {an.version}) "
                    f"nor what the app class declares; unread: {look.reason}",
                )
            continue
        bare = tc.call.child_by_field_name("arguments") is None and tc.call.child_by_field_name("block") is None
        if look.columns_unknown and bare and not tc.name.endswith(("!", "?")):
            continue  # a bare reader may well be a column of the table we could not read
        if an.versions_with_method(t, tc.name):
            continue  # another release has it: rubyllm/version-mismatch's case
        yield RULE.finding(
            tc.pf,
            tc.method_node,
            f"cannot verify `{tc.name}` on {t.describe()}: no source we read defines it",
            f"not in the gem's acts_as API (ruby_llm {an.version}), ActiveRecord's "
            f"{'class' if t.singleton else 'instance'} API, the table's columns or what the model declares; "
            f"unread: {look.reason}",
        )


RULE = Rule(
    id="rubyllm/unverifiable-model-call",
    summary="A method on an acts_as model that no readable source defines, where some source was unreadable",
    why=(
        "A model's methods come from the gem, ActiveRecord, its table and its own declarations; when one of "
        "those cannot be read (another gem's module, no schema), an unknown name may still be real."
    ),
    bad="""
    class Chat < ApplicationRecord
      include Discard::Model
      acts_as_chat
    end

    Chat.find(id).send_message("hi")
""",
    good="""
    class Chat < ApplicationRecord
      include Discard::Model
      acts_as_chat
    end

    Chat.find(id).ask("hi")
""",
    proof=Proof.none,
    check=check,
    category=Category.unverifiable,
    severity=Severity.info,
)
