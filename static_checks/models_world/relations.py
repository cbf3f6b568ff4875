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
from static_checks.models_world.vocabulary import AR_RELATION
from static_checks.types.syntax import call_args, enclosing, keyword_args, literal_name, statements

__all__ = ["AR_RELATION", "Associations"]



class Associations:
    """has_many/has_one/belongs_to readers of app models that lead to acts_as models."""

    def __init__(self, ctx, project) -> None:
        self.ctx, self.project = ctx, project
        self._map: dict[str, list[tuple[str, str, bool]]] | None = None  # reader -> (owner, target, plural)
        self._members: dict[str, dict[str, tuple[str, bool]]] | None = None  # model -> reader -> (target, plural)

    def _build(self) -> dict[str, list[tuple[str, str, bool]]]:
        from static_checks.models_world.world import model_world

        targets = {c.fq: c for c in self.project.classes.values() if c.acts_as and c.base is not None}
        out: dict[str, list[tuple[str, str, bool]]] = {}
        if not targets:
            return out
        world = model_world(self.ctx)
        for owner, defs in world.definitions().items():
            for pf, stmt in _class_body_statements(world, defs):
                found = _association(pf, stmt)
                if found is None:
                    continue
                reader, klass, plural = found
                if klass in targets:
                    out.setdefault(reader, []).append((owner.rsplit("::", 1)[-1], klass, plural))
        return out

    def member_type(self, model: str, name: str) -> TypeRef | None:
        """`chat.messages` / `message.chat` on an acts_as record: records of another acts_as model."""
        if self._members is None:
            self._members = {}
        if model not in self._members:
            self._members[model] = self._model_members(model)
        found = self._members[model].get(name)
        if found is None:
            return None
        klass, plural = found
        app = self.project.classes[klass]
        return TypeRef(app.base.name, plural, app.fq, open=True)

    def _model_members(self, model: str) -> dict[str, tuple[str, bool]]:
        from static_checks.models_world.world import model_world

        targets = {c.fq for c in self.project.classes.values() if c.acts_as and c.base is not None}
        out: dict[str, tuple[str, bool]] = {}
        world = model_world(self.ctx)
        for pf, stmt in _class_body_statements(world, world.definitions().get(model, [])):
            found = _association(pf, stmt) or _acts_as_association(pf, stmt)
            if found is not None and found[1] in targets:
                out[found[0]] = (found[1], found[2])
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


def _class_body_statements(world, defs):
    """(file, statement) of a class body, and of the `included do` blocks of the app concerns it includes:
    an association declared in a concern is the model's."""
    for pf, node, nesting in defs:
        for stmt in statements(node.child_by_field_name("body")):
            yield pf, stmt
            if node.type != "class" or not _is_call(pf, stmt, "include"):
                continue
            name = pf.text(node.child_by_field_name("name")).lstrip(":")
            inside = nesting + [f"{nesting[-1]}::{name}" if nesting else name]
            for arg in call_args(stmt):
                mod = world.resolve(pf.text(arg), inside) if arg.type in ("constant", "scope_resolution") else None
                for mpf, mnode, _ in world.definitions().get(mod, []) if mod else []:
                    for inner in statements(mnode.child_by_field_name("body")):
                        block = inner.child_by_field_name("block") if _is_call(mpf, inner, "included") else None
                        if block is not None:
                            yield from ((mpf, s) for s in statements(block.child_by_field_name("body")))


def _is_call(pf, stmt: ts.Node, name: str) -> bool:
    return stmt.type == "call" and stmt.child_by_field_name("receiver") is None and \
        pf.text(stmt.child_by_field_name("method")) == name


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


# acts_as macro -> (reader keyword, its default, class keyword, plural?): the association it declares.
_ACTS_AS_READERS = {
    "acts_as_chat": ("messages", "messages", "message_class", True),
    "acts_as_message": ("chat", "chat", "chat_class", False),
}


def _acts_as_association(pf, stmt: ts.Node) -> tuple[str, str, bool] | None:
    """`acts_as_chat messages: :turns, message_class: "Turn"` -> ("turns", "Turn", True)."""
    if stmt.type == "identifier":
        macro, args = pf.text(stmt), []
    elif stmt.type == "call" and stmt.child_by_field_name("receiver") is None:
        macro, args = pf.text(stmt.child_by_field_name("method")), call_args(stmt)
    else:
        return None
    if macro not in _ACTS_AS_READERS:
        return None
    reader_kw, default, class_kw, plural = _ACTS_AS_READERS[macro]
    kw = keyword_args(pf, args)
    reader = literal_name(pf, kw[reader_kw]) if reader_kw in kw else default
    if class_kw in kw:
        klass = literal_name(pf, kw[class_kw])
    elif reader:
        klass = inflection.camelize(inflection.singularize(reader) if plural else reader)
    else:
        klass = None
    return (reader, klass.lstrip(":"), plural) if reader and klass else None


def _last_word(node: ts.Node) -> str | None:
    """`current_user` / `@user` / `Current.user` -> the name the value goes by."""
    if node.type in ("identifier", "instance_variable"):
        return (node.text or b"").decode().lstrip("@")
    if node.type == "call":
        meth = node.child_by_field_name("method")
        return (meth.text or b"").decode() if meth is not None else None
    return None


_BLOCKS = ("do_block", "block", "lambda")
_BODIES = ("method", "singleton_method", "class", "module", "singleton_class", "program")


def self_in_class_body_block(call: ts.Node) -> bool:
    """`before_create do self.model ||= .. end` / `validate { self.x }`: `self` there is usually a record
    (callbacks, validations), while the inferer reads the class body's `self` as the class; such calls
    are left out of the class-side world."""
    recv = call.child_by_field_name("receiver")
    if recv is None or recv.type != "self":
        return False
    found = enclosing(call, *_BLOCKS, *_BODIES)
    return found is not None and found.type in _BLOCKS
