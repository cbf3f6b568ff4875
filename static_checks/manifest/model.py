"""The shape of one gem version's public API, as our extractor reads it from `lib/`.

These models are the contract between the extractor (manifest/extract.py), the stored
history (data/manifests/*.json) and the rules (through ManifestIndex). They are light records
(static_checks/records.py), not pydantic models: every `grader check` builds thousands of them, and
importing pydantic for them alone was a tenth of a second of its start-up. Nothing is validated: the
extractor and the history decoder that build them are our code.
"""

from __future__ import annotations

from typing import Any, ClassVar, Literal

from static_checks.records import KeywordRecord

ParamKind = Literal[
    "req",  # a
    "opt",  # a = 1
    "rest",  # *a
    "keyreq",  # a:
    "key",  # a: 1
    "keyrest",  # **a
    "nokey",  # **nil
    "block",  # &a
    "forward",  # ...
]

Visibility = Literal["public", "protected", "private"]

# How a method came to exist; rules use it to word their proof.
MethodOrigin = Literal[
    "def",
    "attr_reader",
    "attr_writer",
    "attr_accessor",
    "alias",
    "delegate",
    "define_method",
    "option",  # configuration option macro (reader/writer)
    "macro",  # other macro-generated readers/writers
    "module_function",
    "overlay",  # hand-written, commented overlay for what source cannot show
    "core",  # Ruby core (Object/Kernel, Enumerable, Class...) as listed by a real ruby
    "method_missing",  # a name the namespace's method_missing answers (extract_missing.py)
]


class Param(KeywordRecord):
    __slots__ = _fields = ("kind", "name")

    def __init__(self, *, kind: ParamKind, name: str | None = None) -> None:
        self.kind, self.name = kind, name


class MethodSig(KeywordRecord):
    __slots__ = _fields = ("name", "params", "visibility", "origin", "returns", "forwards_to", "block_param",
                           "never_yields", "location", "answers_only_listed", "owner")
    _defaults: ClassVar[dict[str, Any]] = {
        "params": [], "visibility": "public", "origin": "def", "returns": None, "forwards_to": None,
        "block_param": None, "never_yields": False, "location": None, "answers_only_listed": False, "owner": None}
    # Fields: name: str; params: list[Param]; visibility: Visibility; origin: MethodOrigin; and:
    # Return type when the source shows it: "self" for builders, or a constant
    # name like "RubyLLM::Message". None when unknown.
    #   returns: str | None
    # For `(...)`/`*args, **kw, &blk` forwarders: "RubyLLM::Chat.new" or "RubyLLM::Chat#ask".
    #   forwards_to: str | None
    # Block parameter type when a block given to this method receives a known object
    # (e.g. ask's block gets a RubyLLM::Chunk; configure's block gets a Configuration).
    #   block_param: str | None
    # A `def` whose body can never run a block given to it: no `yield`, `block_given?`, `&block` (or `&`)
    # parameter, `...`, `super` (which passes the block on) or `binding`. Ruby accepts the block and drops it.
    #   never_yields: bool
    #   location: str | None  # "lib/ruby_llm/chat.rb:42" in the gem
    # On `method_missing` only: it answers just the names recorded beside it (origin
    # "method_missing") and sends every other name to `super`, so unknown names are provable.
    #   answers_only_listed: bool
    # Namespace that defines it (filled by ManifestIndex lookups, e.g. the superclass or
    # an included module; "Kernel"/"Enumerable" for core methods).
    #   owner: str | None


class Namespace(KeywordRecord):
    """A class or module."""

    __slots__ = _fields = ("name", "kind", "superclass", "includes", "extends", "instance_methods",
                           "singleton_methods", "constants", "location")
    _defaults: ClassVar[dict[str, Any]] = {
        "superclass": None, "includes": [], "extends": [], "instance_methods": {}, "singleton_methods": {},
        "constants": [], "location": None}
    # name: str, fully qualified, e.g. "RubyLLM::Chat"; kind: "class" or "module";
    # superclass: str | None, fully qualified when resolvable; includes, extends: list[str];
    # instance_methods, singleton_methods: dict[str, MethodSig]; constants: list[str], the
    # non-namespace constants' short names; location: str | None


class Manifest(KeywordRecord):
    __slots__ = _fields = ("gem", "version", "source_commit", "namespaces", "config_options", "calls",
                           "value_constants")
    _defaults: ClassVar[dict[str, Any]] = {
        "source_commit": None, "namespaces": {}, "config_options": [], "calls": {}, "value_constants": []}
    # gem, version: str; source_commit: str | None; namespaces: dict[str, Namespace];
    # config_options: list[str], the options accepted by `RubyLLM.configure { |c| c.X = ... }` (readers;
    # writers are X=); calls: dict[str, list[str]], the call graph (extract_calls.py): "Owner#m" /
    # "Owner.m" -> edges "C.m", "self.m", "?.m", "?.*"; value_constants: list[str], the constants the
    # gem's code uses as values (an unknown receiver may be one of these).
