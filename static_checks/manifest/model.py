"""The shape of one gem version's public API, as our extractor reads it from `lib/`.

These models are the contract between the extractor (manifest/extract.py), the stored
history (data/manifests/*.json) and the rules (through ManifestIndex).
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field

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


class Param(BaseModel):
    kind: ParamKind
    name: str | None = None


class MethodSig(BaseModel):
    name: str
    params: list[Param] = Field(default_factory=list)
    visibility: Visibility = "public"
    origin: MethodOrigin = "def"
    # Return type when the source shows it: "self" for builders, or a constant
    # name like "RubyLLM::Message". None when unknown.
    returns: str | None = None
    # For `(...)`/`*args, **kw, &blk` forwarders: "RubyLLM::Chat.new" or "RubyLLM::Chat#ask".
    forwards_to: str | None = None
    # Block parameter type when a block given to this method receives a known object
    # (e.g. ask's block gets a RubyLLM::Chunk; configure's block gets a Configuration).
    block_param: str | None = None
    # A `def` whose body can never run a block given to it: no `yield`, `block_given?`, `&block` (or `&`)
    # parameter, `...`, `super` (which passes the block on) or `binding`. Ruby accepts the block and drops it.
    never_yields: bool = False
    location: str | None = None  # "lib/ruby_llm/chat.rb:42" in the gem
    # On `method_missing` only: it answers just the names recorded beside it (origin
    # "method_missing") and sends every other name to `super`, so unknown names are provable.
    answers_only_listed: bool = False
    # Namespace that defines it (filled by ManifestIndex lookups, e.g. the superclass or
    # an included module; "Kernel"/"Enumerable" for core methods).
    owner: str | None = None


class Namespace(BaseModel):
    """A class or module."""

    name: str  # fully qualified, e.g. "RubyLLM::Chat"
    kind: Literal["class", "module"]
    superclass: str | None = None  # fully qualified when resolvable
    includes: list[str] = Field(default_factory=list)
    extends: list[str] = Field(default_factory=list)
    instance_methods: dict[str, MethodSig] = Field(default_factory=dict)
    singleton_methods: dict[str, MethodSig] = Field(default_factory=dict)
    constants: list[str] = Field(default_factory=list)  # non-namespace constants, short names
    location: str | None = None


class Manifest(BaseModel):
    gem: str
    version: str
    source_commit: str | None = None
    namespaces: dict[str, Namespace] = Field(default_factory=dict)
    # Options accepted by `RubyLLM.configure { |c| c.X = ... }` (readers; writers are X=).
    config_options: list[str] = Field(default_factory=list)
    # Call graph (extract_calls.py): "Owner#m" / "Owner.m" -> edges "C.m", "self.m", "?.m", "?.*".
    calls: dict[str, list[str]] = Field(default_factory=dict)
    # Constants the gem's code uses as values: an unknown receiver may be one of these.
    value_constants: list[str] = Field(default_factory=list)
