"""What the inferencer knows about an expression's value."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class TypeRef:
    """A RubyLLM object, or an app class built on one.

    name: the RubyLLM namespace whose methods apply ("RubyLLM::Chat", or for an
          `acts_as_chat` model the namespace the macro mixes in).
    singleton: the class/module object itself (`RubyLLM`, `RubyLLM::Chat`), not an instance.
    app_class: set when the value is an instance (or the class) of an app class that
          subclasses a RubyLLM class or declares an acts_as_* macro.
    open: methods beyond the manifest may exist (ActiveRecord columns, associations):
          never report an unknown method on it, only version drift and signatures.
    plain: an app class not built on RubyLLM; typed only so that its methods' return
          values can be followed (`Factory.build.ask`); rules never check calls on it.
    collection: an Array of `name` instances (`chat.messages`); rules never check calls on
          it, it only types its elements (`.last`, `.each { |m| }`).
    invented: the value comes from a call or constant no release has (`RubyLLM.client`,
          `RubyLLM::Client.new`); holds the root's key ("file:line:col"). Its class is unknown, so
          the manifest rules never check calls on it; rubyllm/invented-value-use does.
    fields: a Hash whose symbol keys hold typed values (`{ chat: self, query: q }`), by key; it is
          `plain` (never checked itself), read back by `h[:chat]`, `h.fetch(:chat)`, `h.dig(:chat)`.
    indifferent: such a Hash after `with_indifferent_access`: string keys (`h["chat"]`) read it too.
    """

    name: str
    singleton: bool = False
    app_class: str | None = None
    open: bool = False
    plain: bool = False
    collection: bool = False
    invented: str | None = None
    fields: tuple[tuple[str, TypeRef], ...] | None = None
    indifferent: bool = False

    def instance(self) -> TypeRef:
        return TypeRef(self.name, False, self.app_class, self.open, self.plain, invented=self.invented)

    def element(self) -> TypeRef:
        """One element of a collection: a RubyLLM::Message, or a record of the app model it holds."""
        return TypeRef(self.name, app_class=self.app_class, open=self.open)

    @property
    def checkable(self) -> bool:
        """Calls on it are RubyLLM calls the rules may judge."""
        return not (self.plain or self.collection or self.invented)

    def describe(self) -> str:
        base = self.app_class or self.name
        if self.app_class and self.app_class != self.name:
            base = f"{self.app_class} (a {self.name})"
        return f"{base} (class)" if self.singleton and self.name != "RubyLLM" else base
