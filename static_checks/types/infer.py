"""Receiver type inference: is this expression a RubyLLM object, and which one?

Unknown is the default. A type is given only when every path we can see agrees:
constants under RubyLLM, locals and ivars assigned from typed expressions, methods whose
body returns a typed value, builder chains (`with_*` return self), block parameters the
manifest documents, and app classes built on RubyLLM (subclasses, acts_as_* models).
"""

from __future__ import annotations

import re

import tree_sitter as ts

from grader.core.budget import checkpoint
from static_checks.manifest.lookup import lexical_candidates
from static_checks.models_world.vocabulary import AR_FINDERS, AR_RELATION
from static_checks.types.hash_changes import HashChanges, without_changed
from static_checks.types.hashes import element_type, literal_type, meet, method_type
from static_checks.types.includers import mixed_elsewhere
from static_checks.types.callers import NOT_PASSED, CallSites, argument_for
from static_checks.types.flow import (
    asserted_before, body_values, case_branches, conditional, diverts, method_returns, narrowed_to, refuted,
)
from static_checks.types.project import AppClass, Project
from static_checks.types.ref import TypeRef
from static_checks.types.scan import ClassDef, MethodDef, Scope
from static_checks.types.syntax import (
    call_args,
    call_name,
    const_path,
    contains,
    enclosing,
    def_body,
    first_arg,
    is_shorthand_key,
    last_expression,
    symbol_value,
    text,
)

# RubyLLM::Agent (ruby_llm >= 1.12, lib/ruby_llm/agent.rb): `find`/`create`/`create!` hand back the
# record of the class named by `chat_model` (configured with the agent's instructions and tools),
# `chat` a configured RubyLLM::Chat; an agent instance forwards ask/complete/with_* to its chat.
AGENT = "RubyLLM::Agent"
AGENT_RECORD_METHODS = frozenset({"find", "create", "create!"})
# RSpec verifying doubles: name -> whether the double stands for the class object itself.
VERIFIED_DOUBLES = {"instance_double": False, "instance_spy": False, "class_double": True, "class_spy": True}
# Kernel/Object methods that hand back (or yield) the receiver itself: `chat.tap { |c| ... }`.
RETURNS_SELF = frozenset({"tap", "itself", "dup", "clone", "freeze"})
YIELDS_SELF = frozenset({"tap", "then", "yield_self"})
# What the manifest cannot say about collections (source: lib/ruby_llm/chat.rb):
# `attr_reader :messages` is the Array of Message the chat appends to, and
# `Chat#each(&) = messages.each(&)` makes the chat itself Enumerable over those messages.
COLLECTIONS = {("RubyLLM::Chat", "messages"): "RubyLLM::Message"}
ENUMERABLE_OF = {"RubyLLM::Chat": "RubyLLM::Message"}
# Array methods returning one element (without arguments) or yielding elements first.
ELEMENT_METHODS = frozenset({"first", "last", "sample", "find", "detect", "min_by", "max_by", "sole", "[]",
                             "dig", "fetch", "at", "pop", "shift"})
ITERATORS = frozenset({
    "each", "map", "collect", "flat_map", "filter_map", "select", "filter", "reject", "find", "detect",
    "each_with_index", "each_with_object", "reverse_each", "sum", "count", "any?", "all?", "none?",
    "group_by", "partition", "sort_by", "min_by", "max_by", "index_by", "find_index", "take_while",
    "drop_while", "each_slice", "each_cons", "tally_by", "sum", "uniq",
})
# What a relation of an ActiveRecord model yields one record at a time to its block (group_by, partition,
# each_slice and the batch methods yield other shapes).
RECORD_ITERATORS = (ITERATORS - {"group_by", "partition", "each_slice", "each_cons", "tally_by"}) | {"find_each"}
# The bases of an app's ActiveRecord models (ApplicationRecord itself is `< ActiveRecord::Base`).
_RECORD_BASES = frozenset({"ActiveRecord::Base", "ApplicationRecord"})
# One record of the model: the finders, and `build` (`chat.messages.build`; the class's own since Rails 7.1).
_RECORD_MAKERS = AR_FINDERS | {"build"}
# ActiveRecord's makers that yield the new record to their block before saving it.
_YIELDS_NEW_RECORD = frozenset({"new", "build", "create", "create!", "find_or_create_by", "find_or_create_by!",
                                "find_or_initialize_by", "create_or_find_by", "create_or_find_by!", "first_or_create",
                                "first_or_create!", "first_or_initialize"})
# Calls on an ActiveRecord relation that load its records into an Array of them (ActiveRecord::Relation
# delegates these to `records`): always, with a count argument (`last(2)`), or with a block (`select { }`).
_RECORDS_ARRAY = frozenset({"to_a", "to_ary", "records", "reverse", "shuffle", "sort_by"})
_RECORDS_ARRAY_WITH_ARGUMENT = frozenset({"first", "last", "take", "sample"})
_RECORDS_ARRAY_WITH_BLOCK = frozenset({"select", "filter", "reject"})
_TRANSPARENT = frozenset({"parenthesized_statements", "begin", "body_statement", "block_body"})
_NIL = frozenset({"nil"})
_CONTROL = _TRANSPARENT | {"conditional", "if", "unless", "elsif", "else", "then", "case", "case_match",
                           "rescue_modifier", "method", "singleton_method"}
# Nested type_of calls one evaluation may stack before it hands the deeper node to the work list
# of the outermost call (each level costs 2-4 Python frames; Python allows 1000).
MAX_NESTING = 100


class _TooDeep(Exception):
    """Unwinds an evaluation that reached MAX_NESTING; the outermost type_of evaluates `node` first."""

    def __init__(self, node: ts.Node, scope: Scope) -> None:
        self.node, self.scope = node, scope
_GENERIC = re.compile(r"^(?:Array|Enumerable)<(.+)>$")
# The value of an invented call or constant: no namespace, only the root it comes from.
INVENTED = "(invented)"
# `_agent_block_chat`: the call is not in an agent's DSL block (distinct from None, an unknown type).
_NOT_AGENT_BLOCK = object()

# Calls on an invented value whose result is plain data (a String, a Hash, a count), not more
# of the invented API: the trail of invented values stops there.
_INVENTED_DATA = frozenset({
    "[]", "dig", "fetch", "values_at", "first", "last", "keys", "values", "each", "map", "to_s", "to_str",
    "to_h", "to_hash", "to_a", "to_ary", "to_json", "as_json", "to_sym", "to_i", "to_f", "inspect", "class",
    "length", "size", "count", "body", "status", "text", "content", "message", "id",
    # test-double set-up (`RubyLLM::Client.any_instance.stubs(:chat)`): a mock, not the invented object
    "stubs", "expects", "any_instance", "stub", "stub_any_instance", "unstub", "mock", "stub_chain",
    "should_receive", "should_not_receive", "should", "should_not",
})


def _agree(types: list[TypeRef | None]) -> TypeRef | None:
    if not types or any(t is None for t in types):
        return None
    first = types[0]
    if all(t == first for t in types):
        return first
    if all(t.fields for t in types):  # type: ignore[union-attr]
        return meet(types)  # type: ignore[arg-type]
    return None


_HASH_NODES = {"hash": literal_type, "element_reference": element_type}
# Instance methods reached through a class method with the same arguments: a constructor, and an
# ActiveJob's `perform` (records cross the queue as GlobalIDs and come back as the same model's records).
_CLASS_ENTRIES = {"initialize": ("new",), "perform": ("perform_later", "perform_now")}


def _invented_result(t: TypeRef, name: str) -> TypeRef | None:
    """What `invented.name` gives: more invented API, or plain data (predicates, writers, readers)."""
    return None if name in _INVENTED_DATA or name.endswith(("?", "=")) else t


class Inferer:
    """roots: node id -> root key of calls/constants no release has; given only to the inferer that
    follows invented values (rubyllm/invented-value-use), so the main one never yields them."""

    def __init__(self, project: Project, index, roots: dict[int, str] | None = None) -> None:
        self.project = project
        self.index = index
        self.roots = roots
        self._callers: CallSites | None = None
        self._functions: dict[str, list[MethodDef]] | None = None
        self._includers: dict[str, list[AppClass]] | None = None
        # models_world.relations.Associations: `current_user.chats` -> records of an acts_as model
        self.associations = None
        self._memo: dict[tuple[int, int], TypeRef | None] = {}
        self._busy: set[tuple[int, int]] = set()
        self._ivar_memo: dict[tuple[str, str], TypeRef | None] = {}
        self._views = None  # types.views.ViewIvars, built on the first ivar of a template
        self._nesting = 0
        self._steps = 0  # evaluations so far, for the budget checkpoint
        # Loops cut so far (a value asked for while it was being worked out, an evaluation nested too deep):
        # a value computed across a cut may depend on the order values were asked for.
        self.cuts = 0
        self._ivar_busy: set[tuple[str, str]] = set()
        self._consts: dict[tuple[str, tuple[str, ...]], TypeRef | None] = {}
        self._records: dict[str, bool] = {}  # plain app class -> an ActiveRecord model (_record_class)
        self._hash_changes: HashChanges | None = None

    # ---- entry points -------------------------------------------------------------
    def receiver_type(self, call: ts.Node, scope: Scope) -> TypeRef | None:
        """Type of a call's receiver; for a receiver-less call, the type of `self`."""
        recv = scope.file.receiver_of(call)
        if recv is None:
            return self.self_type(scope)
        return self.type_of(recv, scope)

    def type_of(self, node: ts.Node | None, scope: Scope) -> TypeRef | None:
        if node is None:
            return None
        key = (node.id, id(scope))
        if key in self._memo:
            return self._memo[key]
        if self._nesting:
            return self._evaluate(node, scope, key)
        # Outermost call: no input may exhaust the stack (a 600-link `a.b.c...` chain, a chain of
        # methods each returning the next). An evaluation that nests too deep unwinds; the node it
        # reached is evaluated first from here, memoized, and the evaluation retried: a work list
        # instead of recursion, so depth costs time linear in the chain, never a RecursionError.
        pending: list[tuple[ts.Node, Scope]] = [(node, scope)]
        pending_keys = {key}
        while pending:
            cur, cur_scope = pending[-1]
            cur_key = (cur.id, id(cur_scope))
            try:
                self._evaluate(cur, cur_scope, cur_key)
            except _TooDeep as deep:
                self.cuts += 1
                deep_key = (deep.node.id, id(deep.scope))
                if deep_key in pending_keys:  # a cycle longer than MAX_NESTING: cut it, as _busy does
                    self._memo[deep_key] = None
                else:
                    pending.append((deep.node, deep.scope))
                    pending_keys.add(deep_key)
                continue
            pending.pop()
            pending_keys.discard(cur_key)
        return self._memo.get(key)

    def _evaluate(self, node: ts.Node, scope: Scope, key: tuple[int, int]) -> TypeRef | None:
        if key in self._memo:
            return self._memo[key]
        self._steps += 1
        if not self._steps & 31:  # chains of inference across files: the repo budget stops them (asked
            checkpoint()          # every 32 evaluations: a clock read each time was 2% of the rules' time)
        if key in self._busy:
            self.cuts += 1
            return None
        if self._nesting >= MAX_NESTING:
            raise _TooDeep(node, scope)
        self._busy.add(key)
        self._nesting += 1
        try:
            result = self._infer(node, scope)
        finally:
            self._nesting -= 1
            self._busy.discard(key)
        self._memo[key] = result
        return result

    def self_type(self, scope: Scope) -> TypeRef | None:
        app = self._app_of(scope.cls)
        if app is not None and app.base is None and not scope.singleton_self:
            app = self._includer(app)  # a concern's methods run on the model that includes it
        if app is None or app.base is None:
            return None
        b = app.base
        return TypeRef(b.name, scope.singleton_self, app.fq, b.open)

    def _includer(self, module: AppClass) -> AppClass | None:
        """The one app class that includes app module `module`, when there is exactly one and it is built
        on RubyLLM (`Chat::AgentSkillable` in `Chat`); a module several classes share, or one that may be
        mixed in elsewhere (types.includers, or named in a file the scan skipped), stays untyped."""
        if self._includers is None:
            self._includers = {}
            for app in self.project.classes.values():
                for mod in app.includes:
                    self._includers.setdefault(mod.fq, []).append(app)
        found = self._includers.get(module.fq, [])
        if len(found) != 1 or not all(d.kind == "module" for d in module.defs):
            return None
        return None if mixed_elsewhere(self.project, module.fq.rsplit("::", 1)[-1]) else found[0]

    def const_type(self, path: str, scope: Scope) -> TypeRef | None:
        """Ruby's lexical lookup over both the gem's namespaces and the app's classes (answered once per
        path and nesting: the project and the manifest do not change under an inferer)."""
        key = (path, scope.nesting)
        if key in self._consts:
            return self._consts[key]
        found = self._consts[key] = self._const_type(path, scope)
        return found

    def _const_type(self, path: str, scope: Scope) -> TypeRef | None:
        index = self.index
        for cand in lexical_candidates(path, list(scope.nesting)):
            if cand == "RubyLLM":
                return TypeRef("RubyLLM", singleton=True)
            if (cand.startswith("RubyLLM::") or path.startswith("RubyLLM")) and index.namespace(cand) is not None:
                return TypeRef(cand, singleton=True)
            app = self.project.classes.get(cand)
            if app is not None:
                if index.namespace(app.fq) is not None:
                    return TypeRef(app.fq, singleton=True)  # the app reopening a gem class
                if app.base is not None:
                    return TypeRef(app.base.name, True, app.fq, app.base.open)
                return TypeRef(app.fq, True, app.fq, open=True, plain=True)
        return None

    # ---- expressions --------------------------------------------------------------
    def _infer(self, node: ts.Node, scope: Scope) -> TypeRef | None:
        if self.roots:
            root = self.roots.get(node.id)
            if root is not None:
                return TypeRef(INVENTED, invented=root)
        t = node.type
        if t in ("constant", "scope_resolution"):
            path = const_path(node)
            if path and (node.text or b"").startswith(b"::"):
                path = "::" + path  # top-level: skips the lexical scopes (const_path drops the marker)
            return self.const_type(path, scope) if path else None
        if t == "call":
            return self._call(node, scope)
        if t == "identifier" or t == "hash_key_symbol" and is_shorthand_key(node):
            return self._identifier(node, scope)
        if t == "instance_variable":
            return self.ivar_type(scope, text(node))
        if t == "self":
            return self.self_type(scope)
        carried = _HASH_NODES.get(t)
        if carried is not None:  # `{ chat: chat }`, `context[:chat]`
            return carried(self, node, scope)
        if t in ("assignment", "operator_assignment"):
            return self.type_of(node.child_by_field_name("right"), scope)
        if t in _CONTROL:
            return self._control(node, scope)
        if t == "binary":
            op = node.child_by_field_name("operator")
            if op is not None and text(op) in ("||", "or"):
                left, right = node.child_by_field_name("left"), node.child_by_field_name("right")
                if left is not None and left.type == "identifier" and text(left) in scope.params:
                    # `chat || RubyLLM.chat`: an injectable dependency whose default is the real object
                    return self.type_of(right, scope)
                return self._join([left, right], scope)
        return None

    def _control(self, node: ts.Node, scope: Scope) -> TypeRef | None:
        """Bodies, branches, rescues and method bodies: typed when every path's value agrees."""
        t = node.type
        if t in _TRANSPARENT:
            return self._join(body_values(node), scope)
        if t in ("case", "case_match"):
            branches = case_branches(node)
            return None if branches is None else self._join(branches, scope)
        if t == "rescue_modifier":
            handler = node.child_by_field_name("handler")
            return self._join([node.child_by_field_name("body"), None if diverts(handler) else handler], scope)
        if t in ("method", "singleton_method"):
            if scope.node.id != node.id:
                return None  # a `def` expression is a Symbol
            # what calling it returns: the body's value and every early `return`, when all agree
            returns = method_returns(node)
            return None if returns is None else self._join([def_body(node), *returns], scope)
        return self._branches(node, scope)

    def _call(self, node: ts.Node, scope: Scope) -> TypeRef | None:
        name = call_name(node)
        if name is None:
            return None
        recv = scope.file.receiver_of(node)
        if recv is None:
            if name in VERIFIED_DOUBLES and scope.file.is_test:
                return self.verified_double(node, name, scope)
            return self._implicit_call(name, scope, node)
        if recv.type == "self" and name == "class":
            return self._class_of(scope)  # `self.class.client` reaches the class methods
        if recv.type == "self" and self.self_type(scope) is None:
            return self._implicit_call(name, scope)  # `self.chat` in a plain class
        rtype = self.type_of(recv, scope)
        if rtype is None:
            return self.associations.type_of(recv, name) if self.associations is not None else None
        if rtype.plain and not rtype.singleton and not rtype.collection and self._record_class(rtype):
            # a plain model's record (`@account.chats`): its own methods, else its associations by name
            found = self.return_of(rtype, name)
            if found is None and self.associations is not None:
                found = self.associations.member_type(rtype.app_class, name) or self.associations.type_of(recv, name)
            return found
        if rtype.singleton and rtype.open and self._record_class(rtype) and self._loads_records(node, name):
            if self._app_defined(rtype, name) or (self.associations is not None
                                                  and self.associations.is_scope(rtype.app_class, name)):
                return None  # the app's own `def self.last(n)` or scope decides
            # `chat.messages.last(2)`, `Chat.where(..).to_a`: an Array of the model's records
            return TypeRef(rtype.name, app_class=rtype.app_class, open=True, plain=rtype.plain, collection=True)
        if rtype.singleton and rtype.open and name in ("first", "last", "take") and \
                node.child_by_field_name("arguments") is not None:
            return None  # `Chat.last(5)` on a plain class: an Array of records, not one
        if rtype.fields is not None:
            return method_type(rtype, name, call_args(node), node.child_by_field_name("block") is not None)
        if rtype.collection:
            has_args = node.child_by_field_name("arguments") is not None
            return rtype.element() if name in ELEMENT_METHODS and not has_args else None
        return self.return_of(rtype, name)

    @staticmethod
    def _loads_records(node: ts.Node, name: str) -> bool:
        """A relation's call that loads its records into an Array: `last(2)`, `to_a`, `select { }`."""
        if name in _RECORDS_ARRAY:
            return True
        if name in _RECORDS_ARRAY_WITH_ARGUMENT:
            return node.child_by_field_name("arguments") is not None
        return name in _RECORDS_ARRAY_WITH_BLOCK and node.child_by_field_name("block") is not None

    def verified_double(self, call: ts.Node, name: str, scope: Scope) -> TypeRef | None:
        """`instance_double(RubyLLM::Chat, ...)` / `instance_double("RubyLLM::Chat")` act as that type."""
        head = first_arg(call)
        path = const_path(head) or symbol_value(head)
        t = self.const_type(path, scope) if path else None
        if t is None:
            return None
        return t if VERIFIED_DOUBLES[name] else t.instance()

    def _join(self, nodes: list[ts.Node | None], scope: Scope) -> TypeRef | None:
        kept = [n for n in nodes if n is not None and n.type not in _NIL]
        return _agree([self.type_of(n, scope) for n in kept]) if kept else None

    def _branches(self, node: ts.Node, scope: Scope) -> TypeRef | None:
        t = node.type
        if t in ("else", "then"):
            return self.type_of(last_expression_of_children(node), scope)
        branches = [node.child_by_field_name("consequence"), node.child_by_field_name("alternative")]
        if any(b is None for b in branches):
            return None  # an `if` without else yields nil on one path: keep it unknown
        return self._join(branches, scope)

    def _identifier(self, node: ts.Node, scope: Scope) -> TypeRef | None:
        t = self._identifier_unguarded(node, scope)
        if t is not None and t.fields:  # a Hash typed by key: not the keys something may change
            t = without_changed(t, self.hash_changes().of_local(text(node), scope))
        if t is not None and scope.file.tests_classes:  # else no class test can narrow it: skip the walk
            # `elsif response.is_a?(Hash) then response["content"]`: not the RubyLLM object in that branch
            classes = narrowed_to(node, text(node), scope.node) + asserted_before(node, text(node), scope.node)
            if any(not c.lstrip(":").startswith("RubyLLM") for c in classes):
                return None
        if t is not None and not t.invented and scope.file.probes_methods:
            # the else side of `if reply.respond_to?(:flagged?)`: whatever it is, not a RubyLLM::Moderation
            sigs = [self.index.find_method(t.name, m, t.singleton) for m in refuted(node, text(node), scope.node)]
            if any(sig is not None and sig.origin != "core" for sig in sigs):
                return None
        return t

    def _identifier_unguarded(self, node: ts.Node, scope: Scope) -> TypeRef | None:
        name = text(node)
        # innermost block (or lambda) parameter of that name wins
        bound = scope.block_binding(name, node.start_byte)
        if bound is not None:
            block, position = bound
            return None if block.type == "lambda" else self.block_param(block, position, scope)
        entries = scope.locals.get(name)
        if entries:
            # flow order: the last assignment that ends before this use
            before = [rhs for (end, rhs) in entries if end <= node.start_byte]
            if before:
                return self._reaching(before, node.start_byte, scope)
            return _agree([None if rhs is None else self.type_of(rhs, scope) for _, rhs in entries])
        if name in scope.params:
            return self._param_default(name, scope) or self._param_from_callers(name, scope)
        return self._implicit_call(name, scope, node)

    def _reaching(self, before: list[ts.Node | None], use_at: int, scope: Scope) -> TypeRef | None:
        """The assignments that may reach a use, newest first, back to one that always runs on the way
        (`x = nil` then `x = chat.ask(q) if c`): typed when all agree."""
        reaching: list[ts.Node | None] = []
        for rhs in reversed(before):
            if rhs is None or rhs.parent is None:
                return None  # `a, b = ...`: unknowable
            reaching.append(rhs)
            if not conditional(rhs.parent, use_at, scope.node):
                break
        return self._join(reaching, scope)

    def _param_from_callers(self, name: str, scope: Scope) -> TypeRef | None:
        """A private helper's parameter: typed when every call site in its class passes one type. A
        top-level `def` (scripts, rake files) is private on Object: every bare call in the app counts."""
        mdef = scope.method
        if mdef is None:
            return None
        if self._callers is None:
            if self.project.call_sites is None:  # a function of the scans alone: shared by every inferer
                self.project.call_sites = CallSites(self.project.scans)
            self._callers = self.project.call_sites  # type: ignore[assignment]
        if mdef.cls is None:
            if self._function(mdef.name) is not mdef:
                return None
            sites = self._callers.of_function(mdef.name)
        elif mdef.singleton or mdef.name in _CLASS_ENTRIES:
            sites = self._class_sites(mdef)
        elif mdef.visibility == "private":
            sites = self._callers.of(mdef)
        else:
            return None
        types: list[TypeRef | None] = []
        for call, site_scope in sites:
            arg = argument_for(mdef, name, call, self._callers.shape(call))
            if arg is NOT_PASSED:  # the default applies, evaluated in the helper
                arg, site_scope = self._default_node(name, scope), scope
            if arg is None:
                return None
            types.append(self.type_of(arg, site_scope))
        return _agree(types)

    def _class_sites(self, mdef: MethodDef) -> list[tuple[ts.Node, Scope]]:
        """`X.new(...)` for X's `initialize`, `X.run(...)` for `def self.run`; none (so no type) when the sites
        read may not be all of them: an app class inherits from X (its `Sub.new`, `super` reach the method
        too), a file the type scan skipped names X and the method (`Reply.new(params[:text])` in a controller;
        a reopening of X there may call even a private class method), or a site names
        no constant we read (`self.class.new`, `Svc = X`, `X.send(:new)`, `Job.set(..).perform_later`,
        `klass.new` after a `constantize`: types.callers.CallSites.unseen_sites)."""
        app = self._app_of(mdef.cls)
        if app is None or any(c.parent is app for c in self.project.classes.values()):
            return []
        called = (mdef.name,) if mdef.singleton else _CLASS_ENTRIES[mdef.name]
        if self.project.named_in_unscanned(app.fq.rsplit("::", 1)[-1], called):
            return []

        def names_app(path: str, scope: Scope) -> str | None:
            found = self.project.lookup_class(path, scope.nesting)
            return found.fq if found is not None else None

        # `Job.new(x).perform_now` passes x to perform too: a job built by `new` is not typed from its sites
        watched = called + ("new",) if mdef.name == "perform" and not mdef.singleton else called
        chain = {c.fq for c in app.chain()}
        if self._callers.unseen_sites(app.fq, chain, watched, mdef.params,  # type: ignore[union-attr]
                                      self.project.unscanned) is not None \
                or (watched != called and self._callers.of_class(app.fq, "new", names_app)):  # type: ignore[union-attr]
            return []
        return [site for entry in called
                for site in self._callers.of_class(app.fq, entry, names_app)]  # type: ignore[union-attr]

    def _default_node(self, name: str, scope: Scope) -> ts.Node | None:
        params = scope.node.child_by_field_name("parameters")
        for p in params.named_children if params is not None else ():
            pname = p.child_by_field_name("name") if p.type in ("optional_parameter", "keyword_parameter") else None
            if pname is not None and text(pname) == name:
                return p.child_by_field_name("value")
        return None

    def _param_default(self, name: str, scope: Scope) -> TypeRef | None:
        """`def initialize(chat: RubyLLM.chat)`: a parameter typed by its default value."""
        params = scope.node.child_by_field_name("parameters") if scope.method is not None else None
        if params is None:
            return None
        for p in params.named_children:
            if p.type in ("optional_parameter", "keyword_parameter"):
                pname = p.child_by_field_name("name")
                if pname is not None and text(pname) == name:
                    return self.type_of(p.child_by_field_name("value"), scope)
        return None

    # ---- methods, ivars, blocks ---------------------------------------------------
    def _app_of(self, cls: ClassDef | None) -> AppClass | None:
        if cls is None:
            return None
        return self.project.classes.get(cls.fq)

    def _class_of(self, scope: Scope) -> TypeRef | None:
        app = self._app_of(scope.cls)
        if app is None or scope.singleton_self:
            return None
        if app.base is not None:
            return TypeRef(app.base.name, True, app.fq, app.base.open)
        return TypeRef(app.fq, True, app.fq, open=True, plain=True)

    def _function(self, name: str) -> MethodDef | None:
        """The app's one top-level `def name`; None when there is none or more than one (two scripts
        each defining `summarize` leave every bare `summarize` call ambiguous)."""
        if self._functions is None:
            self._functions = {}
            for fs in self.project.scans:
                for fname, defs in fs.functions.items():
                    self._functions.setdefault(fname, []).extend(defs)
        defs = self._functions.get(name, [])
        return defs[0] if len(defs) == 1 else None

    def _implicit_call(self, name: str, scope: Scope, node: ts.Node | None = None) -> TypeRef | None:
        """`chat` or `self.chat` inside a class: the value its def (or attr_reader) returns; outside any
        class, the value of the app's top-level `def` of that name."""
        if name == "chat" and node is not None:
            runtime = self._agent_block_chat(node, scope)
            if runtime is not _NOT_AGENT_BLOCK:
                return runtime
        if scope.cls is None and scope.file.pf.rel.endswith(".erb"):
            local = self._view_local(scope, name)
            if local is not False:
                return local  # a partial's local, from every render passing it
        if scope.cls is None:
            fdef = self._function(name)
            if fdef is not None:
                return self.type_of(fdef.node, fdef.scope)
        app = self._app_of(scope.cls)
        singleton = scope.singleton_self
        if app is not None:
            mdef = app.find_def(name, singleton)
            if mdef is not None:
                return self.type_of(mdef.node, mdef.scope)
            if name == "new" and singleton and app.base is None and self._final_class(app):
                return TypeRef(app.fq, False, app.fq, open=True, plain=True)  # `new(**args).context` in `def self.x`
            if not singleton and any(name in d.readers for c in app.chain() for d in c.defs):
                return self._app_ivar(app, "@" + name)
        own = self.self_type(scope)
        if own is not None:
            return self.return_of(own, name)
        lets = scope.file.lets.get(name)
        if lets:
            # RSpec memoized helpers: every `let(:name)` in the file must agree
            return _agree([self.type_of(last_expression(body), sc) for body, sc in lets])
        return None

    def ivar_type(self, scope: Scope, name: str) -> TypeRef | None:
        t = self._ivar_type(scope, name)
        if t is not None and t.fields:  # a Hash typed by key: not the keys something may change
            t = without_changed(t, self.hash_changes().of_ivar(scope, name))
        return t

    def hash_changes(self) -> HashChanges:
        if self._hash_changes is None:
            self._hash_changes = HashChanges(self.project, self._function)
        return self._hash_changes

    def _ivar_type(self, scope: Scope, name: str) -> TypeRef | None:
        if scope.cls is None and scope.file.pf.rel.endswith(".erb"):
            found = self._view_ivar(scope, name)
            if found is not False:
                return found  # else a template whose renderers are unknown: its own assignments only
        if scope.cls is None:
            holder = scope.file.toplevel
            if holder is None:
                return None
            key = (holder.fq, name)
            if key not in self._ivar_memo:
                self._ivar_memo[key] = None  # recursion guard
                self._ivar_busy.add(key)
                self._ivar_memo[key] = self._ivar_in([holder], name, key)
                self._ivar_busy.discard(key)
            elif key in self._ivar_busy:
                self.cuts += 1
            return self._ivar_memo[key]
        app = self._app_of(scope.cls)
        if app is None:
            return None
        return self._app_ivar(app, name)

    def _view_ivar(self, scope: Scope, name: str) -> TypeRef | None | bool:
        """A template's ivar from the controllers that render it (types.views); False: renderers unknown."""
        return self._view_model().ivar_type(self, scope.file, name)

    def _view_local(self, scope: Scope, name: str) -> TypeRef | None | bool:
        from static_checks.types.views import partial_local

        return partial_local(self, self._view_model(), scope.file, name)

    def _view_model(self):
        if self._views is None:
            from static_checks.types.views import ViewIvars

            self._views = ViewIvars(self.project)
        return self._views

    def _app_ivar(self, app: AppClass, name: str) -> TypeRef | None:
        key = (app.fq, name)
        if key in self._ivar_memo:
            if key in self._ivar_busy:
                self.cuts += 1
            return self._ivar_memo[key]
        self._ivar_memo[key] = None  # recursion guard (left in place when an evaluation unwinds)
        self._ivar_busy.add(key)
        defs = [d for c in app.chain() for d in c.defs]
        result = self._ivar_in(defs, name, key)
        self._ivar_busy.discard(key)
        self._ivar_memo[key] = result
        return result

    def _ivar_in(self, defs: list[ClassDef], name: str, key: tuple[str, str]) -> TypeRef | None:
        assigns = [a for d in defs for a in d.ivars.get(name, [])]
        kept = [(rhs, sc) for rhs, sc in assigns if rhs is None or rhs.type not in _NIL]
        if not kept:
            return None
        reads_itself = re.compile(re.escape(name) + r"(?!\w)")
        own, rest = [], []
        for rhs, sc in kept:
            (own if rhs is not None and reads_itself.search(text(rhs)) else rest).append((rhs, sc))
        base = _agree([None if rhs is None else self.type_of(rhs, sc) for rhs, sc in rest]) if rest else None
        if not own or base is None:
            return base if not own else None
        return self._refined_ivar(own, base, key)

    def _refined_ivar(self, own: list, base: TypeRef, key: tuple[str, str]) -> TypeRef | None:
        """`@chats = current_user.chats` then `@chats = @chats.where(..) if q`: assuming the ivar holds what
        the other assignments agree on, each assignment reading it must give that back; else no type, and
        whatever was worked out under the assumption is forgotten."""
        memo_size, ivar_size = len(self._memo), len(self._ivar_memo)
        self._ivar_memo[key] = base
        self._ivar_busy.discard(key)
        # a read of the ivar inside these assignments may be what asked for it: evaluated again, under the assumption
        inside = {n.id for rhs, _sc in own for n in _subtree(rhs)}
        lifted = {k for k in self._busy if k[0] in inside}
        self._busy -= lifted
        agreed = False
        try:
            agreed = all(self.type_of(rhs, sc) == base for rhs, sc in own)
        finally:  # also when an evaluation nested too deep unwinds: nothing assumed is kept
            self._ivar_busy.add(key)
            self._busy |= lifted
            if not agreed:
                self._ivar_memo[key] = None
                for table, size in ((self._memo, memo_size), (self._ivar_memo, ivar_size)):
                    for stale in list(table)[size:]:
                        del table[stale]
        return base if agreed else None

    def block_param(self, block: ts.Node, position: int, scope: Scope) -> TypeRef | None:
        call = block.parent
        if call is None or call.type != "call" or position != 0:
            return None
        name = call_name(call)
        owner = self.receiver_type(call, scope)
        if owner is None or name is None:
            return None
        if owner.invented:
            return owner if name in YIELDS_SELF else None
        if owner.app_class and self._app_defined(owner, name):
            return None
        if name in YIELDS_SELF and not owner.plain:
            return owner
        if name in _YIELDS_NEW_RECORD and owner.singleton and owner.open and self._record_class(owner):
            return owner.instance()  # `Chat.find_or_create_by!(..) do |chat|`: the record being made
        if name in RECORD_ITERATORS and owner.singleton and owner.open and self._record_class(owner) \
                and self.associations is not None:
            # an ActiveRecord model's relation (`chat.messages.each`, `Message.where(..).find_each`) yields records
            return owner.instance()
        if name in ITERATORS and not owner.singleton:
            if owner.collection:
                return owner.element()
            element = ENUMERABLE_OF.get(owner.name)
            if element and not owner.app_class:
                return TypeRef(element)
        found = self.index.block_param_type(owner.name, name, singleton=owner.singleton)
        if found is None and owner.name == AGENT and not owner.singleton:
            found = self.index.block_param_type("RubyLLM::Chat", name)  # the agent forwards to its chat
        if found is None and owner.open and not owner.singleton and "::ActsAs" in owner.name:
            # acts_as_chat's ask/complete hand their block to to_llm's RubyLLM::Chat method
            sig = self.index.find_method(owner.name, name)
            if sig is not None and sig.origin != "core":
                found = self.index.block_param_type("RubyLLM::Chat", name)
        return self._named_type(found)

    def _agent_block_chat(self, node: ts.Node, scope: Scope):
        """`instructions { chat.project }` in a RubyLLM::Agent: the gem runs the block on a runtime object
        whose `chat` is the agent's chat, the chat_model record when the agent has one (from find/create),
        else a RubyLLM::Chat. With a chat_model the record is an app model, so it stays unknown."""
        own = self.self_type(scope)
        if own is None or own.name != AGENT or not own.app_class or scope.kind not in ("class", "def"):
            return _NOT_AGENT_BLOCK
        app = self.project.classes.get(own.app_class)
        if app is None or app.find_def("chat", own.singleton) is not None:
            return _NOT_AGENT_BLOCK  # the app's own `chat` decides
        has_record = any(
            macro == "chat_model" for cls in app.chain() for d in cls.defs for macro, _n, _s in d.macros)
        if scope.kind == "def":
            # Agent#chat of an agent built by find/create is the chat_model record
            return None if has_record else _NOT_AGENT_BLOCK
        block = enclosing(node, "block", "do_block", "lambda")
        if block is None or not contains(scope.node, block):
            return _NOT_AGENT_BLOCK  # `chat` in the class body itself is the class method Agent.chat
        return None if has_record else TypeRef("RubyLLM::Chat")

    def agent_product(self, app: AppClass, name: str) -> TypeRef | None:
        """What an app agent class's `chat` (a RubyLLM::Chat) or `find`/`create` (its chat_model record) returns."""
        if name == "chat":
            return TypeRef("RubyLLM::Chat")
        for cls in app.chain():
            for d in cls.defs:
                for macro, node, scope in d.macros:
                    if macro != "chat_model":
                        continue
                    arg = first_arg(node)
                    path = const_path(arg) if arg is not None and arg.type in ("constant", "scope_resolution") \
                        else symbol_value(arg)
                    found = self.const_type(path, scope) if path else None
                    return found.instance() if found is not None and found.app_class else None
        return None

    def _final_class(self, app: AppClass) -> bool:
        """A class no app class inherits from: its class methods' `self` is that class alone."""
        classes = self.project.classes.values()
        return all(d.kind == "class" for d in app.defs) and not any(c.parent is app for c in classes)

    def _record_class(self, t: TypeRef) -> bool:
        """t is (a relation of) an ActiveRecord model of the app: an acts_as model, or a plain one whose
        ancestry reaches ApplicationRecord or ActiveRecord::Base (typed `plain`: its records are followed
        into renders and blocks, never checked)."""
        if not t.app_class or not t.open:
            return False
        if not t.plain:
            return True
        found = self._records.get(t.app_class)
        if found is None:
            app = self.project.classes.get(t.app_class)
            top = app.chain()[-1] if app is not None else None
            while top is not None and top.parent is not None:
                top = top.parent
            sup = (top.superclass or "").lstrip(":") if top is not None else ""
            found = self._records[t.app_class] = sup in _RECORD_BASES or (top is not None and top.fq in _RECORD_BASES)
        return found

    def _app_defined(self, t: TypeRef, name: str) -> bool:
        app = self.project.classes.get(t.app_class or "")
        return app is not None and app.defines(name, t.singleton)

    def _model_relation(self, t: TypeRef, name: str) -> TypeRef | None:
        """ActiveRecord models (models_world/relations.py): `Chat.where(..)` / a scope is a relation, which
        answers the model's finders like the class; `chat.messages` are records of the message model."""
        if not t.open or t.plain or not t.app_class:
            return None
        if t.singleton:
            scope = self.associations is not None and self.associations.is_scope(t.app_class, name)
            return t if name in AR_RELATION or scope else None
        return self.associations.member_type(t.app_class, name) if self.associations is not None else None

    def return_of(self, t: TypeRef, name: str) -> TypeRef | None:
        if t.invented:
            return _invented_result(t, name)
        if t.app_class:
            app = self.project.classes.get(t.app_class)
            if app is not None:
                mdef = app.find_def(name, t.singleton)
                if mdef is not None:
                    return self.type_of(mdef.node, mdef.scope)
                if t.singleton and t.name == AGENT and name in AGENT_RECORD_METHODS | {"chat"}:
                    return self.agent_product(app, name)
                if not t.singleton and any(name in d.readers for c in app.chain() for d in c.defs):
                    return self._app_ivar(app, "@" + name)
            related = self._model_relation(t, name)
            if related is not None:
                return related
            if t.singleton and (name == "new" or (t.open and name in _RECORD_MAKERS and self._record_class(t))):
                return t.instance()
            if t.singleton and t.plain and self._record_class(t) and (name in AR_RELATION or (
                    self.associations is not None and self.associations.is_scope(t.app_class, name))):
                return t  # a plain model's relation: never checked, it only types its records
            if t.plain or (t.open and t.singleton):
                return None
        elif t.singleton and name == "new":
            ns = self.index.namespace(t.name)
            return t.instance() if ns is not None and ns.kind == "class" else None
        if name in RETURNS_SELF and not t.plain:
            return t
        element = COLLECTIONS.get((t.name, name)) if not t.singleton else None
        if element is not None and self.index.find_method(t.name, name) is not None:
            return TypeRef(element, collection=True)
        found = self.index.return_type(t.name, name, singleton=t.singleton)
        if found == "self" or (found == t.name and t.app_class and not t.singleton):
            return t  # an acts_as record's builders (`with_instructions`) hand back the same record
        return self._named_type(found)

    def _named_type(self, name: str | None) -> TypeRef | None:
        if not name or name == "self":
            return None
        m = _GENERIC.match(name)
        if m:
            return None  # collections are not typed element-wise
        if self.index.namespace(name) is not None:
            return TypeRef(name)
        return None


def _subtree(node: ts.Node) -> list[ts.Node]:
    out, stack = [], [node]
    while stack:
        cur = stack.pop()
        out.append(cur)
        stack.extend(cur.named_children)
    return out


def last_expression_of_children(node: ts.Node) -> ts.Node | None:
    named = [c for c in node.named_children if c.type != "comment"]
    return last_expression(named[-1]) if named else None
