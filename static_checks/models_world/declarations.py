"""What a model's class body (and the concerns it includes) declares for its instances and its class.

Each Rails macro we know adds the instance and class methods Rails generates for it; a class-body
call we do not know may define anything, so it is recorded as a reason the world is not closed.
`def self.x`, `class << self` and a concern's `class_methods do` block define class methods.
This module is the one answer to "which class-body calls define methods": the macros it reads, the
ones known to define none, the ones that may define what no reader lists (MAY_DEFINE_UNSEEN), and the
same question asked of code it does not walk (may_define_methods); the rules ask it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache

import inflection
import tree_sitter as ts

from static_checks.manifest.core import (
    class_body_macros,
    class_methods,
    private_kernel_methods,
    private_module_methods,
)
from static_checks.parsing import ParsedFile
from static_checks.types.syntax import ATTR_MACROS, call_args, keyword_args, literal_name, statements

# Class-body calls that add no instance method (validations, callbacks, scopes are class-side...).
NO_INSTANCE_METHODS = frozenset({
    "validates", "validate", "validates_presence_of", "validates_uniqueness_of", "validates_length_of",
    "validates_format_of", "validates_inclusion_of", "validates_numericality_of", "validates_associated",
    "validates_with", "validates_each", "validates_absence_of", "validates_exclusion_of",
    "validates_acceptance_of", "validates_confirmation_of", "validates_comparison_of",
    "before_validation", "after_validation", "before_save", "around_save", "after_save", "before_create",
    "around_create", "after_create", "before_update", "around_update", "after_update", "before_destroy",
    "around_destroy", "after_destroy", "after_commit", "after_rollback", "after_create_commit",
    "after_update_commit", "after_destroy_commit", "after_save_commit", "after_initialize", "after_find",
    "after_touch", "before_commit",
    "scope", "default_scope", "serialize", "encrypts", "normalizes", "attr_readonly", "readonly_attributes",
    "self", "private", "public", "protected", "private_class_method", "public_class_method", "module_function",
    "class_methods", "broadcasts", "broadcasts_to", "broadcasts_refreshes", "broadcasts_refreshes_to",
    "generates_token_for", "primary_key", "ignored_columns", "has_paper_trail_never", "require",
    "require_relative", "include_root_in_json", "attr_encrypted_options", "self_table_name",
})
# Class-body calls that may define methods no declaration lists (evaluated code, hooks, computed names):
# never vouched for as harmless, even though Ruby or Rails has them as plain class methods.
MAY_DEFINE_UNSEEN = frozenset({
    "class_eval", "class_exec", "module_eval", "module_exec", "instance_eval", "instance_exec", "send", "__send__",
    "public_send", "concerning", "concern", "redefine_method", "redefine_singleton_method",
    "silence_redefinition_of_method", "define_method", "define_singleton_method", "refine", "using",
    "method_missing", "included", "extended", "prepended", "inherited", "append_features", "extend_object",
    "delegate_missing_to", "instance_variable_set",
})
# The same question asked of code this reader does not walk (a class method's body, a call with a receiver):
# any of these words in it may define or mix in methods.
_DEFINING_WORDS = re.compile(
    r"\b(?:define_(?:singleton_)?method|attr(?:_\w+)?|class_attribute|[cm]attr_\w+|alias(?:_method)?"
    r"|delegate\w*|(?:class|module|instance)_(?:eval|exec)|send|__send__|public_send|include|extend"
    r"|prepend|method_missing|Struct|Data)\b")
SINGULAR_ASSOCIATIONS = ("belongs_to", "has_one")
PLURAL_ASSOCIATIONS = ("has_many", "has_and_belongs_to_many")


@dataclass
class Declared:
    names: set[str] = field(default_factory=set)  # instance methods
    # attr_reader/attr_writer/attr_accessor/attr names (also in names): methods reading or writing the ivar
    attr_readers: set[str] = field(default_factory=set)
    attr_writers: set[str] = field(default_factory=set)
    attributes: set[str] = field(default_factory=set)  # attribute names (dirty-tracking methods follow)
    includes: list[tuple[str, list[str]]] = field(default_factory=list)  # (written constant, nesting)
    reasons: list[str] = field(default_factory=list)  # why the world is not closed
    scopes: set[str] = field(default_factory=set)  # class-side `scope :name`: relations of the model
    class_names: set[str] = field(default_factory=set)  # class methods (def self.x, enum scopes...)
    extends: list[tuple[str, list[str]]] = field(default_factory=list)  # `extend Mod`: (constant, nesting)
    class_reasons: list[str] = field(default_factory=list)  # why the class side is not closed
    instance_reasons: list[str] = field(default_factory=list)  # gaps of the instance side only
    # `has_many :x do def y; end end` / `extend: Mod`: methods every association proxy of the target has
    proxy_names: set[str] = field(default_factory=set)
    proxy_extends: list[tuple[str, list[str]]] = field(default_factory=list)
    # reading a module's own body (a concern): its top-level `extend` extends the module, not the model
    module_body: bool = False
    table_name: str | None = None
    abstract: bool = False
    # reasons that are only "a class-body call we do not know": reason -> that call (or bare identifier), so a
    # reader that knows more macros (an app class built on RubyLLM knows its base's DSL) can drop them
    unknown_macros: dict[str, ts.Node] = field(default_factory=dict)

    def gaps(self, singleton: bool, harmless=lambda call: False) -> list[str]:
        """Why this side may answer names we cannot list, less the calls `harmless` vouches for."""
        side = self.class_reasons if singleton else self.instance_reasons
        return [r for r in (*self.reasons, *side)
                if r not in self.unknown_macros or not harmless(self.unknown_macros[r])]


def may_define_methods(code: str) -> bool:
    """Code this reader does not walk that may define or mix in methods (see _DEFINING_WORDS)."""
    return _DEFINING_WORDS.search(code) is not None


@lru_cache(maxsize=1)
def harmless_class_body_calls() -> frozenset[str]:
    """Receiver-less class-body calls that define no method: Ruby's and Rails' class methods and macros,
    Kernel's private methods, less those that may define methods (MAY_DEFINE_UNSEEN; the ones whose names
    can be read, attr_*, class_attribute, delegate..., this module reads itself)."""
    return (class_methods() | class_body_macros() | private_kernel_methods() | private_module_methods()) \
        - MAY_DEFINE_UNSEEN


def _names(pf: ParsedFile, args: list[ts.Node]) -> list[str]:
    return [n for n in (literal_name(pf, a) for a in args if a.type != "pair") if n]


def _affixed(pf: ParsedFile, kw: dict[str, ts.Node], field_name: str, key: str) -> str:
    node = kw.get(key) or kw.get(f"_{key}")
    if node is None or node.type == "false":
        return ""
    if node.type == "true":
        return field_name
    return literal_name(pf, node) or field_name


def _enum(pf: ParsedFile, args: list[ts.Node], out: Declared, where: str) -> None:
    kw = keyword_args(pf, args)
    positional = [a for a in args if a.type != "pair"]
    pairs: list[tuple[str, ts.Node]] = []
    if positional:  # enum :status, { draft: 0 } / enum :status, %i[draft]
        name = literal_name(pf, positional[0])
        if name and len(positional) > 1:
            pairs.append((name, positional[1]))
        elif name and kw:  # enum :status, draft: 0, live: 1
            values = [k for k in kw if not k.startswith("_") and k not in ("prefix", "suffix", "default",
                                                                          "scopes", "validate", "instance_methods")]
            for v in values:
                out.names.update({f"{v}?", f"{v}!"})
                out.class_names.update({v, f"not_{v}"})
            out.attributes.add(name)
            out.class_names.add(inflection.pluralize(name))
            return
    else:  # enum status: { draft: 0 }, _prefix: true
        pairs = [(k, v) for k, v in kw.items() if not k.startswith("_")]
    for name, values_node in pairs:
        out.attributes.add(name)
        out.class_names.add(inflection.pluralize(name))  # `Chat.statuses`
        if values_node.type == "hash":
            values = [literal_name(pf, p.child_by_field_name("key")) for p in values_node.named_children
                      if p.type == "pair"]
        elif values_node.type in ("array", "symbol_array", "string_array"):
            values = [literal_name(pf, v) for v in values_node.named_children]
        else:
            values = [None]
        if None in values:
            out.reasons.append(f"enum `{name}` at {where} has values we cannot read")
            continue
        prefix, suffix = _affixed(pf, kw, name, "prefix"), _affixed(pf, kw, name, "suffix")
        for v in values:
            base = "_".join(x for x in (prefix, v, suffix) if x)
            out.names.update({f"{base}?", f"{base}!"})
            out.class_names.update({base, f"not_{base}"})  # the scopes enum defines


def _association(macro: str, name: str, out: Declared) -> None:
    if macro in SINGULAR_ASSOCIATIONS:
        out.names.update({name, f"{name}=", f"build_{name}", f"create_{name}", f"create_{name}!",
                          f"reload_{name}", f"reset_{name}", f"{name}_changed?", f"{name}_previously_changed?"})
    else:
        single = inflection.singularize(name)
        out.names.update({name, f"{name}=", f"{single}_ids", f"{single}_ids="})


def _attachment(macro: str, name: str, out: Declared) -> None:
    if macro == "has_one_attached":
        extra = (f"{name}_attachment", f"{name}_blob")
    else:
        extra = (f"{name}_attachments", f"{name}_blobs")
    for n in (name, *extra):
        out.names.update({n, f"{n}="})
    out.names.add("attachment_changes")
    out.class_names.add(f"with_attached_{name}")


def _secure_password(pf: ParsedFile, args: list[ts.Node], out: Declared) -> None:
    attr = (_names(pf, args) or ["password"])[0]
    out.names.update({attr, f"{attr}=", f"{attr}_confirmation", f"{attr}_confirmation=", f"{attr}_challenge",
                      f"{attr}_challenge=", f"authenticate_{attr}", f"{attr}_salt", f"{attr}_reset_token"})
    if attr == "password":
        out.names.add("authenticate")


def _store(pf: ParsedFile, macro: str, args: list[ts.Node], out: Declared) -> None:
    kw = keyword_args(pf, args)
    names = _names(pf, args)
    if not names:
        return
    store, keys = names[0], names[1:]
    if macro == "store":
        acc = kw.get("accessors")
        keys = [literal_name(pf, a) for a in acc.named_children] if acc is not None else []  # type: ignore[misc]
        out.attributes.add(store)
    prefix, suffix = _affixed(pf, kw, store, "prefix"), _affixed(pf, kw, store, "suffix")
    for k in keys:
        if k is None:
            out.reasons.append(f"`{macro} :{store}` has accessors we cannot read")
            continue
        attr = "_".join(x for x in (prefix, k, suffix) if x)
        out.names.update({attr, f"{attr}="})
        out.attributes.add(attr)


def _delegate(pf: ParsedFile, args: list[ts.Node], out: Declared) -> None:
    kw = keyword_args(pf, args)
    to = literal_name(pf, kw["to"]) if "to" in kw else None
    prefix = ""
    if "prefix" in kw:
        p = kw["prefix"]
        prefix = (to or "").lstrip("@") if p.type == "true" else (literal_name(pf, p) or "")
    for n in _names(pf, args):
        out.names.add(f"{prefix}_{n}" if prefix else n)


def _modules(pf, meth, args, into, reasons, nesting, where):
    """Module arguments by name into `into`; a computed one is a reason the world is not closed."""
    for a in args:
        if a.type in ("constant", "scope_resolution"):
            into.append((pf.text(a), nesting))
        else:
            reasons.append(f"`{meth}` of a computed module at {where}")


def _include(pf, meth, args, names, out, nesting, where):
    _modules(pf, meth, args, out.includes, out.reasons, nesting, where)


def _attr(pf, meth, args, names, out, nesting, where):
    reader, writer = ATTR_MACROS.get(meth, (True, True))  # `attribute` (ActiveModel): both, kept as an attribute
    for n in names:
        if reader:
            out.names.add(n)
        if writer:
            out.names.add(f"{n}=")
        if meth == "attribute":
            out.attributes.add(n)
        else:
            if reader:
                out.attr_readers.add(n)
            if writer:
                out.attr_writers.add(n)


def _extend(pf, meth, args, names, out, nesting, where):
    if not out.module_body:
        _modules(pf, meth, args, out.extends, out.class_reasons, nesting, where)


def _switched_off(pf: ParsedFile, kw: dict[str, ts.Node], *keys: str) -> bool:
    """The first of `keys` the call passes is a literal false/nil (`instance_reader: false`); an option given
    as anything else (a variable) counts as on: a name it may define is never reported as invented."""
    for key in keys:
        if key in kw:
            return kw[key].type in ("false", "nil")
    return False


def _class_attribute(pf, meth, args, names, out, nesting, where):
    """class_attribute / cattr_* / mattr_* (and thread_ ones): readers and writers on the class, and on its
    instances unless `instance_reader:` / `instance_writer:` / `instance_accessor: false` says not;
    class_attribute also adds `x?` on the class and (with the reader) on instances unless
    `instance_predicate: false`."""
    kw = keyword_args(pf, args)
    reader = not meth.endswith("_writer")
    writer = not meth.endswith("_reader")
    instance_reader = reader and not _switched_off(pf, kw, "instance_reader", "instance_accessor")
    instance_writer = writer and not _switched_off(pf, kw, "instance_writer", "instance_accessor")
    predicate = meth == "class_attribute" and not _switched_off(pf, kw, "instance_predicate")
    # a module's own mattr_* belongs to the module object, not to the classes that include it
    own_side = not (out.module_body and meth != "class_attribute")
    for n in names:
        if reader and own_side:
            out.class_names.add(n)
        if writer and own_side:
            out.class_names.add(f"{n}=")
        if predicate:
            out.class_names.add(f"{n}?")
        if instance_reader:
            out.names.add(n)
            if predicate:
                out.names.add(f"{n}?")
        if instance_writer:
            out.names.add(f"{n}=")
    if len(names) < len([a for a in args if a.type != "pair"]):
        out.reasons.append(f"`{meth}` with a computed name at {where}")


def _name_only_scope(pf, meth, args, names, out, nesting, where):
    if not names:
        out.class_reasons.append(f"`scope` with a computed name at {where}")
    out.scopes.update(names[:1])


def _first(handler):
    return lambda pf, meth, args, names, out, nesting, where: [handler(meth, n, out) for n in names[:1]]


def _rich_text(meth, n, out):
    out.names.update({n, f"{n}=", f"{n}?", f"rich_text_{n}", f"rich_text_{n}="})
    out.class_names.update({f"with_rich_text_{n}", f"with_rich_text_{n}_and_embeds", "with_all_rich_text"})


def _alias_attribute(pf, meth, args, names, out, nesting, where):
    if len(names) >= 2:
        out.names.update({names[0], f"{names[0]}=", f"{names[0]}?"})
        out.attributes.add(names[0])


def _name_only(pf, meth, args, names, out, nesting, where):
    """define_method / alias_method: the first argument names an instance method."""
    if not names or literal_name(pf, args[0]) is None:
        out.reasons.append(f"`{meth}` with a computed name at {where}")
    out.names.update(names[:1])


def _singleton_name(pf, meth, args, names, out, nesting, where):
    """define_singleton_method in a class body: a class method (in a module's own body, the module's)."""
    if not names or literal_name(pf, args[0]) is None:
        out.class_reasons.append(f"`{meth}` with a computed name at {where}")
    elif not out.module_body:
        out.class_names.add(names[0])


_INTERNAL_ATTR = {"attr_internal": "attr_accessor", "attr_internal_accessor": "attr_accessor",
                  "attr_internal_reader": "attr_reader", "attr_internal_writer": "attr_writer"}


def _internal_attr(pf, meth, args, names, out, nesting, where):
    """attr_internal*: the same public reader/writer as attr_*, kept in `@_name`."""
    _attr(pf, _INTERNAL_ATTR[meth], args, names, out, nesting, where)


def _model_callbacks(pf, meth, args, names, out, nesting, where):
    """define_model_callbacks :save -> class macros before_save, around_save, after_save."""
    kw = keyword_args(pf, args)
    only = kw.get("only")
    kinds = [literal_name(pf, k) for k in (only.named_children if only is not None and only.type == "array"
                                           else [only] if only is not None else [])] or \
        ["before", "around", "after"]
    for n in names:
        out.class_names.update(f"{k}_{n}" for k in kinds if k)


def _forwards_anything(pf, meth, args, names, out, nesting, where):
    out.instance_reasons.append(f"`{meth}` at {where} forwards names we cannot list")


def _reader_writer(pf, meth, args, names, out, nesting, where):
    out.names.update(x for n in names[:1] for x in (n, f"{n}="))


# The associations each acts_as macro declares under their default names (any ruby_llm release; a
# superset is safe): the manifest records only their readers and writers, Rails adds the rest
# (`message_ids`, `build_model`...).
_ACTS_AS_ASSOCIATIONS = {
    "acts_as_chat": (("has_many", "messages"), ("belongs_to", "model")),
    "acts_as_message": (("belongs_to", "chat"), ("has_many", "tool_calls"), ("belongs_to", "parent_tool_call"),
                        ("belongs_to", "model")),
    "acts_as_tool_call": (("belongs_to", "message"), ("has_one", "result")),
    "acts_as_model": (("has_many", "chats"),),
}


def _acts_as(pf, meth, args, names, out, nesting, where):
    """The gem's macro: the associations it declares; `messages: :turns` renames one."""
    kw = keyword_args(pf, args)
    for macro, reader in _ACTS_AS_ASSOCIATIONS.get(meth, ()):
        if reader not in kw:
            _association(macro, reader, out)
    for key, value in kw.items():
        reader = literal_name(pf, value) if value.type in ("simple_symbol", "string") else None
        if reader is None or key.endswith(("_class", "_foreign_key", "_key")):
            continue
        _association("has_many" if inflection.pluralize(key) == key else "belongs_to", reader, out)


# Rails class-body macros -> handler(pf, macro, args, literal names, out, nesting, "file:line")
_MACROS = {
    "include": _include, "prepend": _include,
    **dict.fromkeys(("attr_accessor", "attr_reader", "attr_writer", "attribute", "attr"), _attr),
    **dict.fromkeys(SINGULAR_ASSOCIATIONS + PLURAL_ASSOCIATIONS, _first(_association)),
    **dict.fromkeys(("has_one_attached", "has_many_attached"), _first(_attachment)),
    "has_rich_text": _first(_rich_text),
    "enum": lambda pf, meth, args, names, out, nesting, where: _enum(pf, args, out, where),
    "delegate": lambda pf, meth, args, names, out, nesting, where: _delegate(pf, args, out),
    "alias_attribute": _alias_attribute,
    "alias_method": _name_only,
    "define_method": _name_only,
    **dict.fromkeys(("store", "store_accessor"), lambda pf, meth, args, names, out, nesting, where:
                    _store(pf, meth, args, out)),
    "accepts_nested_attributes_for": lambda pf, meth, args, names, out, nesting, where:
        out.names.update(f"{n}_attributes=" for n in names),
    "has_secure_password": lambda pf, meth, args, names, out, nesting, where: _secure_password(pf, args, out),
    "has_secure_token": lambda pf, meth, args, names, out, nesting, where:
        out.names.add(f"regenerate_{(names or ['token'])[0]}"),
    "composed_of": _reader_writer,
    **dict.fromkeys(("acts_as_chat", "acts_as_message", "acts_as_tool_call", "acts_as_model"), _acts_as),
    "scope": _name_only_scope,
    "extend": _extend,
    **dict.fromkeys(("class_attribute", "cattr_accessor", "cattr_reader", "cattr_writer", "mattr_accessor",
                     "mattr_reader", "mattr_writer", "thread_cattr_accessor", "thread_cattr_reader",
                     "thread_cattr_writer", "thread_mattr_accessor", "thread_mattr_reader", "thread_mattr_writer"),
                    _class_attribute),
    "define_singleton_method": _singleton_name,
    **dict.fromkeys(("attr_internal", "attr_internal_accessor", "attr_internal_reader", "attr_internal_writer"),
                    _internal_attr),
    "define_model_callbacks": _model_callbacks,
    "delegate_missing_to": _forwards_anything,
    "primary_abstract_class": lambda pf, meth, args, names, out, nesting, where: setattr(out, "abstract", True),
}


def _association_extension(pf: ParsedFile, call: ts.Node, args: list[ts.Node], out: Declared,
                           nesting: list[str]) -> None:
    block = call.child_by_field_name("block")
    if block is not None:
        inner = Declared()
        _read(pf, statements(block.child_by_field_name("body")), inner, nesting)
        out.proxy_names |= inner.names
    ext = keyword_args(pf, args).get("extend")
    for mod in ((ext.named_children if ext.type == "array" else [ext]) if ext is not None else []):
        out.proxy_extends.append((pf.text(mod), nesting))


def _macro(pf: ParsedFile, call: ts.Node, out: Declared, nesting: list[str]) -> None:
    """A receiver-less class-body call; a bare identifier (`primary_abstract_class`) is one without arguments."""
    meth = pf.text(call.child_by_field_name("method") if call.type == "call" else call)
    args = call_args(call) if call.type == "call" else []
    where = f"{pf.rel}:{call.start_point[0] + 1}"
    handler = _MACROS.get(meth)
    if meth in PLURAL_ASSOCIATIONS:
        _association_extension(pf, call, args, out, nesting)
    if handler is not None:
        handler(pf, meth, args, _names(pf, args), out, nesting, where)
    elif meth not in NO_INSTANCE_METHODS and not meth.startswith(("validates_", "before_", "after_", "around_")):
        reason = f"class-body call `{meth}` at {where} may define methods we cannot see"
        out.reasons.append(reason)
        out.unknown_macros[reason] = call


def read_body(pf: ParsedFile, body: ts.Node | None, out: Declared, nesting: list[str]) -> None:
    """Walk one class or module body (and a concern's `included do` block) into `out`."""
    _read(pf, statements(body), out, nesting)


def _read(pf: ParsedFile, stmts: list[ts.Node], out: Declared, nesting: list[str]) -> None:
    for stmt in stmts:
        t = stmt.type
        if t == "method":
            _def(pf, stmt, out)
        elif t == "singleton_method":
            _class_def(pf, pf.text(stmt.child_by_field_name("name")), stmt, out, nesting)
        elif t == "singleton_class":
            read_class_side(pf, stmt.child_by_field_name("body"), out, nesting)
        elif t == "alias":
            out.names.add(pf.text(stmt.child_by_field_name("name")).lstrip(":"))
        elif t == "call":
            _body_call(pf, stmt, out, nesting)
        elif t == "identifier" and pf.text(stmt) not in ("private", "protected", "public", "module_function"):
            _macro(pf, stmt, out, nesting)
        elif t == "assignment":
            _class_setting(pf, stmt, out)
        elif t in ("if", "unless", "elsif"):  # both branches: either may run
            for part in ("consequence", "alternative"):
                branch = stmt.child_by_field_name(part)
                if branch is not None:
                    inner = list(branch.named_children) if branch.type in ("then", "else") else [branch]
                    _read(pf, inner, out, nesting)


def _def(pf: ParsedFile, stmt: ts.Node, out: Declared) -> None:
    name = pf.text(stmt.child_by_field_name("name"))
    out.names.add(name)
    if name == "method_missing":
        out.instance_reasons.append(f"method_missing at {pf.rel}:{stmt.start_point[0] + 1} answers names we "
                                    f"cannot list")


_HOOKS = ("included", "extended", "prepended", "inherited", "append_features")


def _class_def(pf: ParsedFile, name: str, stmt: ts.Node, out: Declared, nesting: list[str]) -> None:
    """`def self.x`: a class method of the model; in a module's own body, the module's (not the includer's),
    except the hooks Ruby calls on inclusion or inheritance, which may add anything to the includer."""
    if name in _HOOKS:
        _hook(pf, name, stmt, out, nesting)
        return
    if out.module_body:
        return
    out.class_names.add(name)
    if name == "method_missing":
        out.class_reasons.append(f"self.method_missing at {pf.rel}:{stmt.start_point[0] + 1} answers names we "
                                 f"cannot list")


def _hook(pf: ParsedFile, name: str, stmt: ts.Node, out: Declared, nesting: list[str]) -> None:
    """`def self.included(base) base.extend(ClassMethods) end` is followed; any other body is a gap."""
    where = f"{pf.rel}:{stmt.start_point[0] + 1}"
    for call in statements(stmt.child_by_field_name("body")):
        if call.type in ("super", "identifier") and pf.text(call) == "super":
            continue
        meth = pf.text(call.child_by_field_name("method")) if call.type == "call" else None
        args = call_args(call) if call.type == "call" else []
        consts = [a for a in args if a.type in ("constant", "scope_resolution")]
        if meth in ("extend", "include", "send") and call.child_by_field_name("receiver") is not None and consts:
            target = out.extends if meth == "extend" else out.includes
            target.extend((pf.text(c), nesting) for c in consts)
            continue
        out.reasons.append(f"`self.{name}` hook at {where} may add methods we cannot see")
        return


def read_class_side(pf: ParsedFile, body: ts.Node | None, out: Declared, nesting: list[str]) -> None:
    """`class << self` / `class_methods do`: what they declare is the class's; `include` there extends it."""
    inner = Declared(module_body=True)
    _read(pf, statements(body), inner, nesting)
    out.class_names |= inner.names | inner.class_names
    out.extends += inner.includes + inner.extends
    out.class_reasons += inner.reasons + inner.class_reasons + inner.instance_reasons
    out.unknown_macros.update(inner.unknown_macros)


def _body_call(pf: ParsedFile, stmt: ts.Node, out: Declared, nesting: list[str]) -> None:
    where = f"{pf.rel}:{stmt.start_point[0] + 1}"
    if stmt.child_by_field_name("receiver") is not None:
        # `ROLES.each { define_method ... }`, `Setup.call(self)`: may define anything
        reason = f"class-body call `{pf.text(stmt).splitlines()[0][:40]}` at {where}"
        out.reasons.append(reason)
        out.unknown_macros[reason] = stmt
        return
    meth = pf.text(stmt.child_by_field_name("method"))
    block = stmt.child_by_field_name("block")
    if meth == "included" and block is not None:
        was, out.module_body = out.module_body, False  # the block runs in the including class
        read_body(pf, block.child_by_field_name("body"), out, nesting)
        out.module_body = was
    elif meth == "class_methods" and block is not None:
        read_class_side(pf, block.child_by_field_name("body"), out, nesting)
    elif meth in ("private", "protected", "public") and call_args(stmt):
        for a in call_args(stmt):
            if a.type == "method":
                _def(pf, a, out)
    else:
        _macro(pf, stmt, out, nesting)


def _class_setting(pf: ParsedFile, stmt: ts.Node, out: Declared) -> None:
    left, right = stmt.child_by_field_name("left"), stmt.child_by_field_name("right")
    if left is None or right is None or left.type != "call":
        return
    recv, meth = left.child_by_field_name("receiver"), pf.text(left.child_by_field_name("method"))
    if recv is None or recv.type != "self":
        return
    if meth == "table_name":
        out.table_name = literal_name(pf, right)
        if out.table_name is None:
            out.reasons.append(f"computed table name at {pf.rel}:{stmt.start_point[0] + 1}")
    elif meth == "abstract_class" and right.type == "true":
        out.abstract = True


def struct_members(pf: ParsedFile, superclass: ts.Node | None, out: Declared) -> None:
    """`class Point < Struct.new(:x, :y)`: readers and writers of its members; `< Data.define(:x)`: readers."""
    if superclass is None or superclass.type != "call":
        return
    recv = superclass.child_by_field_name("receiver")
    owner = pf.text(recv).lstrip(":") if recv is not None else ""
    meth = pf.text(superclass.child_by_field_name("method"))
    if (owner, meth) not in (("Struct", "new"), ("Data", "define")):
        return
    args = [a for a in call_args(superclass) if a.type not in ("pair", "block_argument")]
    names = _names(pf, args)
    if len(names) < len(args):
        out.reasons.append(f"`{owner}.{meth}` with a computed member at {pf.rel}:{superclass.start_point[0] + 1}")
    for n in names:
        out.names.add(n)
        if owner == "Struct":
            out.names.add(f"{n}=")
