"""Values that are records of an acts_as model without naming its class: relations and associations.

`Chat.includes(:messages).find(id)`: query methods hand back a relation, which answers the model's
finders like the class does, so the inferer treats a relation as the class. `current_user.chats.find(id)`:
an app model declares `has_many :chats` (class `Chat` by Rails' naming, or `class_name:`); the reader
is typed only when the receiver's name ends in that owner's name (`current_user`, `@user`, `user`),
so an unrelated `bot.chats` (a Telegram client) stays unknown.
"""

from __future__ import annotations

import inflection
import tree_sitter as ts

from static_checks.types.ref import TypeRef
from static_checks.types.syntax import call_args, keyword_args, literal_name, statements

# ActiveRecord::QueryMethods/SpawnMethods (and `all`): a relation of the same model.
AR_RELATION = frozenset({
    "all", "where", "not", "rewhere", "invert_where", "order", "reorder", "in_order_of", "includes", "preload",
    "eager_load", "joins", "left_joins", "left_outer_joins", "references", "limit", "offset", "distinct",
    "group", "having", "unscope", "only", "except", "readonly", "lock", "none", "strict_loading", "extending",
    "from", "merge", "with", "unscoped", "excluding", "without", "and", "or", "annotate", "optimizer_hints",
    "create_with",
})


class Associations:
    """has_many/has_one/belongs_to readers of app models that lead to acts_as models."""

    def __init__(self, ctx, project) -> None:
        self.ctx, self.project = ctx, project
        self._map: dict[str, list[tuple[str, str, bool]]] | None = None  # reader -> (owner, target, plural)

    def _build(self) -> dict[str, list[tuple[str, str, bool]]]:
        from static_checks.models_world.world import model_world

        targets = {c.fq: c for c in self.project.classes.values() if c.acts_as and c.base is not None}
        out: dict[str, list[tuple[str, str, bool]]] = {}
        if not targets:
            return out
        for owner, defs in model_world(self.ctx).definitions().items():
            for pf, node, _nesting in defs:
                for stmt in statements(node.child_by_field_name("body")):
                    found = _association(pf, stmt)
                    if found is None:
                        continue
                    reader, klass, plural = found
                    if klass in targets:
                        out.setdefault(reader, []).append((owner.rsplit("::", 1)[-1], klass, plural))
        return out

    def is_scope(self, model: str, name: str) -> bool:
        """`Chat.recent`: a scope the model (or a concern it includes) declares returns a relation."""
        from static_checks.models_world.world import model_world

        return name in model_world(self.ctx).view(model).scopes

    def type_of(self, recv: ts.Node, name: str) -> TypeRef | None:
        if self._map is None:
            self._map = self._build()
        hits = self._map.get(name)
        if not hits:
            return None
        word = _last_word(recv)
        for owner, klass, plural in hits:
            if word is not None and word.endswith(inflection.underscore(owner)):
                app = self.project.classes[klass]
                return TypeRef(app.base.name, plural, app.fq, open=True)
        return None


def _association(pf, stmt: ts.Node) -> tuple[str, str, bool] | None:
    """`has_many :chats` -> ("chats", "Chat", True); class_name: wins over the naming rule."""
    if stmt.type != "call" or stmt.child_by_field_name("receiver") is not None:
        return None
    macro = pf.text(stmt.child_by_field_name("method"))
    if macro not in ("has_many", "has_one", "belongs_to"):
        return None
    args = call_args(stmt)
    reader = literal_name(pf, args[0]) if args else None
    if reader is None:
        return None
    kw = keyword_args(pf, args)
    plural = macro == "has_many"
    if "class_name" in kw:
        klass = literal_name(pf, kw["class_name"])
    else:
        klass = inflection.camelize(inflection.singularize(reader) if plural else reader)
    return (reader, klass.lstrip(":"), plural) if klass else None


def _last_word(node: ts.Node) -> str | None:
    """`current_user` / `@user` / `Current.user` -> the name the value goes by."""
    if node.type in ("identifier", "instance_variable"):
        return (node.text or b"").decode().lstrip("@")
    if node.type == "call":
        meth = node.child_by_field_name("method")
        return (meth.text or b"").decode() if meth is not None else None
    return None
