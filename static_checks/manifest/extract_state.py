"""What the extractor accumulates per namespace while walking a gem, and the Ruby vocabulary it knows."""

from __future__ import annotations

from dataclasses import dataclass, field

import tree_sitter as ts

from static_checks.manifest.model import MethodSig, Param
from static_checks.parsing import ParsedFile
from static_checks.types.syntax import ATTR_MACROS as SYNTAX_ATTR_MACROS

VISIBILITIES = ("public", "protected", "private")
# attr_* macros -> what they define, "r" reader and/or "w" writer (types.syntax.ATTR_MACROS, spelled as the
# extractor's methods take it)
ATTR_MACROS = {name: "r" * reader + "w" * writer for name, (reader, writer) in SYNTAX_ATTR_MACROS.items()}
ASSOCIATIONS = ("has_many", "has_one", "belongs_to", "has_and_belongs_to_many")
# Calls that make a class macro (acts_as_chat) shape the model that calls it.
MODEL_MACROS = ("include", "delegate", *ASSOCIATIONS)
# Accepts anything: what we give methods whose real signature we cannot see.
ANY_ARGS = [Param(kind="rest"), Param(kind="keyrest"), Param(kind="block")]


@dataclass
class Deferred:
    """A constant name written in the source, resolved in finish() with its lexical nesting."""

    text: str
    nesting: list[str]


@dataclass
class NsBuild:
    name: str
    kind: str
    location: str
    superclass: Deferred | None = None
    includes: list[Deferred] = field(default_factory=list)
    extends: list[Deferred] = field(default_factory=list)
    inst: dict[str, MethodSig] = field(default_factory=dict)
    sing: dict[str, MethodSig] = field(default_factory=dict)
    constants: dict[str, ts.Node | None] = field(default_factory=dict)
    const_files: dict[str, ParsedFile] = field(default_factory=dict)
    nesting: list[str] = field(default_factory=list)
    # (singleton?, new name, old name)
    aliases: list[tuple[bool, str, str]] = field(default_factory=list)
    # (singleton?, names, visibility)
    visibility: list[tuple[bool, list[str], str]] = field(default_factory=list)
    # bare class-body calls with a literal first argument: (method, first arg, location)
    macro_calls: list[tuple[str, str, str]] = field(default_factory=list)
    # method bodies kept for finish(): (singleton?, name) -> (file, node, nesting)
    bodies: dict[tuple[bool, str], tuple[ParsedFile, ts.Node, list[str]]] = field(default_factory=dict)
    # define_method blocks, for the call graph: (singleton?, name) -> (file, block, nesting)
    block_bodies: dict[tuple[bool, str], tuple[ParsedFile, ts.Node, list[str]]] = field(default_factory=dict)
    # return types written as constants: (singleton?, name) -> deferred constant
    returns_const: dict[tuple[bool, str], Deferred] = field(default_factory=dict)
    # forwarders: (singleton?, name) -> ("self" | "const", the constant if "const", "#m" / ".m" / "#via.m")
    forwards: dict[tuple[bool, str], tuple[str, Deferred | None, str]] = field(default_factory=dict)
    # instance variable -> what each assignment to it evaluates to (None: unknown)
    ivars: dict[str, list[Deferred | None]] = field(default_factory=dict)


@dataclass
class Ctx:
    ns: NsBuild
    nesting: list[str]
    singleton: bool = False
    vis: str = "public"
    module_function: bool = False
    # local bindings for define_method inside `ARRAY.each { |x| ... }`
    binding: dict[str, str] = field(default_factory=dict)
    # method params in scope (for acts_as macros: `has_many messages` where messages: :messages)
    param_defaults: dict[str, str] = field(default_factory=dict)

    def child(self, **kw) -> Ctx:
        base = dict(
            ns=self.ns,
            nesting=self.nesting,
            singleton=self.singleton,
            vis="public",
            module_function=False,
            binding=dict(self.binding),
            param_defaults=dict(self.param_defaults),
        )
        base.update(kw)
        return Ctx(**base)
