"""The closed world of an ActiveRecord model's instance and class methods, when every source is readable.

Sources: the gem's acts_as API (the manifest; asked before this), ActiveRecord's instance API for
the locked Rails (rails_api.py), the table's columns (schema.py), and what the model, its app
superclasses up to ActiveRecord::Base (ApplicationRecord) and the app concerns they include
declare (declarations.py). A name in none of them is a NoMethodError, but only if nothing was
left unread: a module from another gem, a macro we do not know, a missing schema or table each
make the verdict "unverifiable", with the reason.

The class side (`Chat.x`, and relations and association proxies of the model, which answer the
class's methods) adds ActiveRecord's class API for the locked Rails (class_api.json), `def self.x`,
`class << self`, concerns' `class_methods do` / `ClassMethods`, app modules it extends, scopes,
enums, `find_by_<column>` finders, association extensions; a bundled gem that may extend every
model (kaminari, ransack...) leaves it unverifiable. Columns matter there only to dynamic finders.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import inflection
import tree_sitter as ts

from static_checks.manifest.lookup import lexical_candidates
from static_checks.models_world.declarations import Declared, read_body, read_class_side
from static_checks.models_world.gem_hookup import is_gem_hookup
from static_checks.models_world.rails_api import (
    attribute_methods, class_api, class_side_gem_gaps, instance_api, locked_gems,
)
from static_checks.models_world.schema import STRUCTURE_SQL, Schema, read_schema_rb, read_structure_sql
from static_checks.parsing import ParsedFile
from static_checks.types.syntax import is_test_path

AR_BASE = "ActiveRecord::Base"
# The gem's macros, which its railtie gives ActiveRecord::Base (RubyLLM::ActiveRecord::ActsAs::ClassMethods).
GEM_MACROS = frozenset({"acts_as_chat", "acts_as_message", "acts_as_tool_call", "acts_as_model"})
_INSTALLED_GEM = ("/gems/", "vendor/bundle/")
# App code that adds methods to every model or relation from outside the model's own files, or to one
# relation (`Chat.extending(Pagination)`, `-> { extending Paging }`), which the inferer types as the class.
_PATCH = re.compile(rb"on_load\(?\s*:active_record\b|ActiveRecord::(?:Base|Relation)\s*\.\s*"
                    rb"(?:include|extend|prepend|send|class_eval|class_exec|singleton_class|define_singleton_method)\b"
                    rb"|\bextending\b")
# Every match of _PATCH holds one of these: a substring test first spares most files the regex.
_PATCH_WORDS = (b"on_load", b"ActiveRecord::", b"extending")
# One class given methods from outside its body: `Chat.include(M)`, `Chat.prepend M`, `Chat.send(:include, M)`,
# `Chat.class_eval { ... }` (group 1: the class as written); or a computed mixin into a class held by a
# variable (`klass.prepend(extension)`), which may be any model (group 1 empty).
_MIXED_INTO = re.compile(
    rb"(?<![\w@$])(::)?((?:[A-Z]\w*::)*[A-Z]\w*)[ \t]*\.[ \t]*(?:include|prepend|extend|class_eval|class_exec|"
    rb"module_eval|send[ \t]*\(?[ \t]*:(?:include|prepend|extend|define_method))(?![\w?!])"
    rb"|(?<![\w:@$.])[a-z_]\w*[ \t]*\.[ \t]*(?:include|prepend|extend)(?![\w?!])"
    rb"[ \t]*\(?[ \t]*[a-z_@]\w*[ \t]*\)?[ \t]*$", re.M)
# Every match of _MIXED_INTO holds one of these (a mixin written `Chat. include` with a space is not read).
_MIXED_WORDS = (b".include", b".prepend", b".extend", b"_eval", b"_exec", b":include", b":prepend", b":extend",
                b":define_method", b"send :", b"send(:")


@dataclass
class ModelView:
    """One model's instance methods as far as its sources show, and why that may be incomplete."""

    fq: str
    names: set[str] = field(default_factory=set)
    attributes: set[str] = field(default_factory=set)
    reasons: list[str] = field(default_factory=list)
    table: str | None = None
    schema_source: str | None = None
    read: list[str] = field(default_factory=list)  # classes and modules whose bodies were read
    scopes: set[str] = field(default_factory=set)
    class_names: set[str] = field(default_factory=set)
    class_reasons: list[str] = field(default_factory=list)  # gaps of the class side only
    instance_reasons: list[str] = field(default_factory=list)  # gaps of the instance side only
    column_reasons: list[str] = field(default_factory=list)  # the table's columns could not be read

    @property
    def closed(self) -> bool:
        return not self.reasons and not self.instance_reasons


@dataclass(frozen=True)
class Verdict:
    status: str  # "known" | "missing" | "unverifiable"
    reason: str | None = None
    columns_unknown: bool = False  # the table's columns are among what could not be read


class ModelWorld:
    def __init__(self, ctx) -> None:
        self.ctx = ctx
        self._defs: dict[str, list[tuple[ParsedFile, ts.Node, list[str]]]] | None = None
        self._views: dict[str, ModelView] = {}
        self._schema: Schema | None | bool = False  # False: not read yet
        self._api: frozenset[str] | None = None
        self._class_api: frozenset[str] | None = None
        self._gem_gaps: list[str] | None = None
        self._outside: dict[str | None, str] | None = None
        self._proxy: Declared | None = None
        self._patches: list[str] | None = None

    # ---- sources ------------------------------------------------------------------
    def definitions(self) -> dict[str, list[tuple[ParsedFile, ts.Node, list[str]]]]:
        """Every app class/module body by fully-qualified name (tests and installed gems left out)."""
        if self._defs is None:
            self._defs = {}
            for pf in self.ctx.files:
                if is_test_path(pf.rel) or any(g in pf.rel for g in _INSTALLED_GEM):
                    continue
                self._collect_defs(pf, pf.root, [])
        return self._defs

    def _collect_defs(self, pf: ParsedFile, node: ts.Node, nesting: list[str]) -> None:
        stack = [(node, nesting)]
        while stack:
            cur, nest = stack.pop()
            for c in cur.named_children:
                if c.type in ("class", "module"):
                    name = pf.text(c.child_by_field_name("name")).lstrip(":")
                    fq = f"{nest[-1]}::{name}" if nest else name
                    self._defs.setdefault(fq, []).append((pf, c, nest))  # type: ignore[union-attr]
                    body = c.child_by_field_name("body")
                    if body is not None:
                        stack.append((body, nest + [fq]))
                elif c.type in ("body_statement", "begin", "if", "unless", "then", "else"):
                    stack.append((c, nest))

    def schema(self) -> Schema | None:
        if self._schema is False:
            self._schema = self._read_schema()
        return self._schema  # type: ignore[return-value]

    def _read_schema(self) -> Schema | None:
        root = self.ctx.root.path
        rel = "db/schema.rb" if root == "." else f"{root}/db/schema.rb"
        for pf in self.ctx.files:
            if pf.rel == rel:
                return read_schema_rb(pf)
        if self.ctx.root_dir is not None:
            from grader.core.repo import RepoReader

            text = RepoReader(self.ctx.root_dir).text(STRUCTURE_SQL)
            if text is not None:
                return read_structure_sql(text)
        return None

    def api(self) -> frozenset[str]:
        if self._api is None:
            self._api = instance_api(locked_gems(self.ctx.root_dir))
        return self._api

    def class_api(self) -> frozenset[str]:
        if self._class_api is None:
            self._class_api = class_api(locked_gems(self.ctx.root_dir))
        return self._class_api

    def gem_gaps(self) -> list[str]:
        if self._gem_gaps is None:
            self._gem_gaps = class_side_gem_gaps(self.ctx.root_dir)
        return self._gem_gaps

    def app_patches(self) -> list[str]:
        """Where app code extends ActiveRecord for every model (an initializer's `on_load(:active_record)`,
        `ActiveRecord::Base.include(..)`, a reopened `ActiveRecord::Relation`): methods we do not list."""
        if self._patches is None:
            self._patches = []
            for fq, defs in self.definitions().items():
                if fq.startswith("ActiveRecord::") and fq != AR_BASE:
                    self._patches.append(f"the app reopens `{fq}` at {defs[0][0].rel}")
            for pf in self.ctx.files:
                if is_test_path(pf.rel) or not any(w in pf.source for w in _PATCH_WORDS):
                    continue
                # the first patch that is not the gem's own hook-up (its acts_as macros, which the manifest knows)
                m = next((m for m in _PATCH.finditer(pf.source) if not is_gem_hookup(pf, m.start())), None)
                if m is not None:
                    line = pf.source.count(b"\n", 0, m.start()) + 1
                    self._patches.append(f"app code extends ActiveRecord or a relation at {pf.rel}:{line}")
        return self._patches

    def outside_mixins(self) -> dict[str | None, str]:
        """Class short name -> where app code mixes a module into it from outside its body; key None: a
        computed mixin into a class held by a variable (`klass.prepend(extension)`), which may be any model."""
        if self._outside is None:
            self._outside = {}
            for pf in self.ctx.files:
                if is_test_path(pf.rel) or not any(w in pf.source for w in _MIXED_WORDS):
                    continue  # a test's own patch: app code still runs without it
                for m in _MIXED_INTO.finditer(pf.source):
                    if m.group(2) is not None and m.group(2).startswith((b"ActiveRecord::", b"RubyLLM")):
                        continue  # every model (app_patches) / the gem's own
                    line = pf.source.count(b"\n", 0, m.start()) + 1
                    short = m.group(2).decode().rsplit("::", 1)[-1] if m.group(2) is not None else None
                    self._outside.setdefault(short, f"{pf.rel}:{line}")
        return self._outside

    def proxy_extensions(self) -> Declared:
        """Association extensions anywhere in the app (`has_many :x do ... end`, `extend:`): a proxy of
        any model may carry them, so their names count on every class side; an unread module is a gap."""
        if self._proxy is None:
            found = Declared()
            for fq, defs in self.definitions().items():
                for pf, node, nesting in defs:
                    if b"has_many" in pf.source or b"has_and_belongs_to_many" in pf.source:
                        scratch = Declared()
                        read_body(pf, node.child_by_field_name("body"), scratch, nesting + [fq])
                        found.proxy_names |= scratch.proxy_names
                        found.proxy_extends += scratch.proxy_extends
            for written, nesting in found.proxy_extends:
                mod = self._resolve(written, nesting)
                if mod is None:
                    found.class_reasons.append(f"association extension `{written}` is outside the app")
                    continue
                ext = Declared()
                for pf, node, nest in self.definitions()[mod]:
                    read_body(pf, node.child_by_field_name("body"), ext, nest + [mod])
                found.proxy_names |= ext.names
                found.class_reasons += ext.reasons
            self._proxy = found
        return self._proxy

    # ---- one model ----------------------------------------------------------------
    def view(self, fq: str) -> ModelView:
        if fq not in self._views:
            self._views[fq] = self._build(fq)
        return self._views[fq]

    def _build(self, fq: str) -> ModelView:
        view = ModelView(fq)
        chain: list[tuple[str, Declared]] = []
        self._read_class(fq, view, chain, set())
        concrete = [name for name, d in chain if not d.abstract]
        if concrete:
            top = concrete[-1]  # single-table inheritance: the table of the topmost concrete class
            declared = dict(chain)[top]
            self._columns(top, declared.table_name, view)
        for attr in view.attributes:
            view.names |= attribute_methods(attr)
        return view

    def _read_class(self, fq: str, view: ModelView, chain: list, seen: set[str]) -> None:
        if fq in seen:
            return
        seen.add(fq)
        defs = self.definitions().get(fq)
        if not defs:
            view.reasons.append(f"`{fq}` is defined in no file we read")
            return
        declared = self._read_bodies(fq, defs, view, seen)
        chain.append((fq, declared))
        sup = next((pf.text(n.child_by_field_name("superclass").named_children[0])
                    for pf, n, _ in defs if n.child_by_field_name("superclass") is not None), None)
        if sup is None:
            view.reasons.append(f"`{fq}` has no superclass we can see")
            return
        if sup.lstrip(":") == AR_BASE:
            if AR_BASE in self.definitions() and AR_BASE not in seen:  # the app reopens ActiveRecord::Base
                seen.add(AR_BASE)
                self._read_bodies(AR_BASE, self.definitions()[AR_BASE], view, seen)
            view.reasons.extend(self.app_patches())
            return
        found = self._resolve(sup, defs[0][2])
        if found is None:
            view.reasons.append(f"superclass `{sup}` of `{fq}` is outside the app")
            return
        self._read_class(found, view, chain, seen)

    def _read_bodies(self, fq: str, defs, view: ModelView, seen: set[str]) -> Declared:
        declared = Declared()
        view.read.append(fq)
        mixed = self.outside_mixins()
        for short in (fq.rsplit("::", 1)[-1], None):
            if short in mixed:
                what = f"`{fq}` gets a module" if short else "a module is mixed into a class held by a variable"
                view.reasons.append(f"{what} from outside its body at {mixed[short]}")
        for pf, node, nesting in defs:
            declared.module_body = node.type == "module"
            read_body(pf, node.child_by_field_name("body"), declared, nesting + [fq])
        view.names |= declared.names
        view.attributes |= declared.attributes
        view.scopes |= declared.scopes
        view.class_names |= declared.class_names
        view.reasons.extend(declared.reasons)
        view.instance_reasons.extend(declared.instance_reasons)
        view.class_reasons.extend(declared.class_reasons)
        for written, nesting in declared.includes:
            mod = self._resolve(written, nesting)
            if mod is None:
                if not written.lstrip(":").startswith("RubyLLM::"):  # the gem's modules: the manifest's part
                    view.reasons.append(f"`{fq}` includes `{written}`, from outside the app")
                continue
            if mod not in seen:
                seen.add(mod)
                self._read_bodies(mod, self.definitions()[mod], view, seen)
                self._concern_class_methods(mod, view, seen)
        for written, nesting in declared.extends:
            self._extend(fq, written, nesting, view, seen)
        return declared

    def _concern_class_methods(self, mod: str, view: ModelView, seen: set[str]) -> None:
        """ActiveSupport::Concern: the `ClassMethods` module inside an included concern extends the class."""
        cm = f"{mod}::ClassMethods"
        if cm in self.definitions() and cm not in seen:
            seen.add(cm)
            for pf, node, nesting in self.definitions()[cm]:
                side = Declared()
                read_class_side(pf, node.child_by_field_name("body"), side, nesting + [cm])
                self._merge_class_side(cm, side, view, seen)

    def _extend(self, fq: str, written: str, nesting: list[str], view: ModelView, seen: set[str]) -> None:
        mod = self._resolve(written, nesting)
        if mod is None:
            if not written.lstrip(":").startswith("RubyLLM::"):
                view.class_reasons.append(f"`{fq}` extends `{written}`, from outside the app")
            return
        if mod in seen:
            return
        seen.add(mod)
        for pf, node, nest in self.definitions()[mod]:
            side = Declared()
            read_class_side(pf, node.child_by_field_name("body"), side, nest + [mod])
            self._merge_class_side(mod, side, view, seen)

    def _merge_class_side(self, owner: str, side: Declared, view: ModelView, seen: set[str]) -> None:
        view.read.append(owner)
        view.class_names |= side.class_names
        view.class_reasons.extend(side.class_reasons)
        for written, nesting in side.extends:  # modules the extending module itself includes
            self._extend(owner, written, nesting, view, seen)

    def resolve(self, written: str, nesting: list[str]) -> str | None:
        """The app class or module a constant written inside `nesting` names, if the app defines it."""
        return self._resolve(written, nesting)

    def _resolve(self, written: str, nesting: list[str]) -> str | None:
        defs = self.definitions()
        return next((c for c in lexical_candidates(written, list(nesting)) if c in defs), None)

    def _columns(self, fq: str, table_name: str | None, view: ModelView) -> None:
        schema = self.schema()
        if schema is None:
            view.column_reasons.append("no readable db/schema.rb or db/structure.sql: columns unknown")
            view.reasons.append(view.column_reasons[-1])
            return
        short = fq.rsplit("::", 1)[-1]
        plural = inflection.pluralize(inflection.underscore(short))
        candidates = [table_name] if table_name else [plural]
        if not table_name and "::" in fq:
            candidates.append(inflection.underscore(fq.rsplit("::", 1)[0]).replace("/", "_") + "_" + plural)
        table = next((t for t in candidates if t in schema.columns), None)
        if table is None:
            view.column_reasons.append(f"table `{candidates[0]}` is not in {schema.source}: columns unknown")
            view.reasons.append(view.column_reasons[-1])
            return
        if table in schema.partial:
            view.column_reasons.append(f"table `{table}` in {schema.source} has lines we cannot read")
            view.reasons.append(view.column_reasons[-1])
        view.table, view.schema_source = table, schema.source
        view.attributes |= schema.columns[table]

    def describe(self, fq: str, singleton: bool = False) -> str:
        """The sources of a closed world, for a finding's evidence."""
        view = self.view(fq)
        gems = locked_gems(self.ctx.root_dir) or {}
        rails = gems.get("activerecord") or gems.get("rails")
        version = '.'.join(rails.split('.')[:2]) if rails else '(any 6.1-8.1)'
        if singleton:
            finders = (f"find_by_<column> for the {len(view.attributes)} attributes of table `{view.table}` "
                       f"({view.schema_source}), " if view.table else "")
            return (f"ActiveRecord {version}'s class, relation and association API, {finders}the scopes, enums and "
                    f"class methods " + ", ".join(f"`{n}`" for n in view.read) + " declare, or the gems "
                    "Gemfile.lock bundles")
        parts = [f"ActiveRecord {version} instance API"]
        if view.table:
            parts.append(f"the {len(view.attributes)} attributes of table `{view.table}` ({view.schema_source})")
        parts.append("what " + ", ".join(f"`{n}`" for n in view.read) + " declare")
        return ", ".join(parts)

    def own_names(self, fq: str, singleton: bool) -> list[str]:
        """What the model itself declares (scopes, class methods / columns, associations...), for hints."""
        view = self.view(fq)
        return sorted(view.class_names | view.scopes if singleton else view.names | view.attributes)

    # ---- the question -------------------------------------------------------------
    def verdict(self, fq: str, name: str) -> Verdict:
        """Does an instance of app model `fq` answer `name`, apart from the gem's acts_as API?"""
        view = self.view(fq)
        if name in view.names or name in self.api():
            return Verdict("known")
        gaps = view.reasons + view.instance_reasons
        if not gaps:
            return Verdict("missing")
        columns_unknown = bool(view.column_reasons) or view.table is None
        return Verdict("unverifiable", "; ".join(gaps[:3]), columns_unknown)

    def class_verdict(self, fq: str, name: str) -> Verdict:
        """Does app model `fq` as a class (or a relation or association proxy of it) answer `name`,
        apart from the gem's acts_as class API?"""
        view = self.view(fq)
        proxy = self.proxy_extensions()
        if name in view.class_names or name in view.scopes or name in self.class_api() or \
                name in proxy.proxy_names or name in GEM_MACROS:
            return Verdict("known")
        finder = name.startswith("find_by_")
        if finder and view.table is not None and not view.column_reasons and all(
                col in view.attributes for col in name[len("find_by_"):].rstrip("!").split("_and_")):
            return Verdict("known")
        gaps = [r for r in view.reasons if r not in view.column_reasons or finder]
        gaps += view.class_reasons + proxy.class_reasons + self.gem_gaps()
        if not gaps:
            return Verdict("missing")
        return Verdict("unverifiable", "; ".join(gaps[:3]), finder and bool(view.column_reasons))


def model_world(ctx) -> ModelWorld:
    """One world per app root, shared by the rules (ctx.cache)."""
    world = ctx.cache.get("model_world")
    if world is None:
        world = ModelWorld(ctx)
        ctx.cache["model_world"] = world
    return world  # type: ignore[return-value]
