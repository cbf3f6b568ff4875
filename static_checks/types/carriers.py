"""Which expressions may carry the value of given nodes: an over-approximation of the inferer's value flow.

The inferer (types.infer) gives an expression the value of another only along these edges:
- through an expression's parts: an assignment's right side, a body's or branch's last statement, either side
  of `||`, a rescue's handler;
- from a call's receiver: its result (builders, `tap`, an acts_as record's `with_*`, a Hash's `fetch`/`dig`/
  `with_indifferent_access`) and the parameters of its block (`tap`, `each`, a relation's records);
- through a Hash: a literal holds its pairs' values (`{ chat: x }`, `{ chat: }`), `h[:chat]` what h holds;
- through names: a local of a scope (and the shorthand keys reading it), a parameter (its default; the values
  its call sites pass: receiver-less calls of a def of the calling class or a top-level def, `X.new(..)`
  for `initialize`, `X.m(..)` for `def self.m`, `X.perform_later/now(..)` for `perform`, `new(..)` inside the
  class), a method (its body and `return`s: the calls of its name, bare ones only from its class and those
  built on it), an instance variable (in the classes built on the one assigning it, the views they render,
  the readers of it), an RSpec `let`, a partial's locals (every render passing them: `render`,
  `turbo_stream.append(.., locals:)`, a broadcast, a record's own broadcast).
`carriers(project, nodes)` follows those edges upwards from `nodes` and gives the ids of every expression
whose value may come from one of them; no other expression can hold such a value, whatever order the inferer
asks in. Where the inferer has a table (the class entries, the Hash nodes) it is read from there.

rubyllm/invented-value-use asks it which receivers can hold an invented value: only those are inferred again.
bench/carriers_sameness.py compares that restricted pass with asking every receiver on whole trees.
"""

from __future__ import annotations

import tree_sitter as ts

from static_checks.types.infer import _CLASS_ENTRIES
from static_checks.types.project import AppClass, Project
from static_checks.types.scan import ClassDef, FileScan, MethodDef
from static_checks.types.syntax import const_path, is_shorthand_key, symbol_value, text
from static_checks.types.views import _BROADCAST, _TURBO_ACTIONS

# Expressions whose value may be that of a part of them (bodies, branches, assignments, `||`, rescue).
_PASS = frozenset({
    "assignment", "operator_assignment", "binary", "parenthesized_statements", "begin", "body_statement",
    "block_body", "conditional", "if", "unless", "elsif", "else", "then", "case", "case_match", "when",
    "in_clause", "rescue", "rescue_modifier", "ensure", "if_modifier", "unless_modifier",
})
# Parts of an expression whose value is never the expression's own (a condition, an assignment's target).
_NOT_CARRIED = {"if": "condition", "unless": "condition", "elsif": "condition", "conditional": "condition",
                "if_modifier": "condition", "unless_modifier": "condition", "case": "value", "when": "pattern",
                "assignment": "left", "operator_assignment": "left"}
# A part of an argument list: the value goes to the called method's parameters (or a partial's locals).
_ARGUMENT_PARTS = frozenset({"pair", "hash", "array", "splat_argument", "hash_splat_argument", "block_argument"})
_SCOPES = frozenset({"method", "singleton_method", "class", "module", "singleton_class", "program"})
_DEFS = frozenset({"method", "singleton_method"})
# Nested bodies whose `return` is not the enclosing def's (types.flow.method_returns).
_RETURN_STOPS = frozenset({"method", "singleton_method", "lambda", "class", "module", "singleton_class"})
_LETS = frozenset({"let", "let!", "subject"})
# The inferer's own tables (one source of truth): the class method whose call sites type an instance method's
# parameters (`X.new` -> initialize, `X.perform_later` -> perform), and the nodes that carry a value through a
# Hash (a literal's pair values; a read of its key).
_ENTRY_OF = {called: method for method, calls in _CLASS_ENTRIES.items() for called in calls}
# (tests/rules/test_carriers.py checks these are all of types.infer's _HASH_NODES.)
HASH_LITERAL, HASH_READ = "hash", "element_reference"


def _is_field(node: ts.Node, field: str, child: ts.Node) -> bool:
    part = node.child_by_field_name(field)
    return part is not None and part.id == child.id


def _name(node: ts.Node, field: str = "name") -> str:
    part = node.child_by_field_name(field)
    return text(part) if part is not None else ""


def _renders_partial(name: str) -> bool:
    """A call that may hand its arguments (or, for a model's broadcast, its receiver) to a partial's locals:
    types.views.partial_sites reads `render`, `render_to_string`, turbo stream actions and broadcasts."""
    return name in ("render", "render_to_string") or name in _TURBO_ACTIONS or _BROADCAST.match(name) is not None


def _shorthand(node: ts.Node) -> bool:
    """`f(chat:)` / `{ chat: }`: a key without a value, which the inferer reads as the name `chat`."""
    return node.type == "hash_key_symbol" and is_shorthand_key(node)


def _within(node: ts.Node, outer: ts.Node) -> bool:
    return outer.start_byte <= node.start_byte and node.end_byte <= outer.end_byte


class _Index:
    """What the flow looks names up in, each part built on first use."""

    def __init__(self, project: Project) -> None:
        self.project = project
        self.scans = project.scans
        self._named: dict[tuple[int, str, str], list[ts.Node]] = {}
        self._calls: dict[str, list[tuple[ts.Node, FileScan]]] | None = None
        self._defs: dict[int, MethodDef] | None = None
        self._call_scopes: dict[int, dict] = {}
        self._built_on: dict[str, list[str]] = {}
        self._by_short: dict[str, list[AppClass]] | None = None

    def named(self, fs: FileScan, name: str, kind: str = "identifier") -> list[ts.Node]:
        """The file's `kind` nodes (identifier, instance_variable) spelt `name`, identifiers with the shorthand
        keys that read them (`f(chat:)`, `{ chat: }`): each occurrence of the bytes asked for the node there,
        so a file is never walked whole."""
        key = (id(fs), name, kind)
        found = self._named.get(key)
        if found is None:
            found = self._named[key] = []
            source, word = fs.pf.source, name.encode()
            at = source.find(word)
            if at >= 0:
                root = fs.pf.root
                while at >= 0:
                    node = root.descendant_for_byte_range(at, at + len(word))
                    if node is not None and node.start_byte == at and node.end_byte == at + len(word) \
                            and (node.type == kind or kind == "identifier" and _shorthand(node)):
                        found.append(node)
                    at = source.find(word, at + 1)
        return found

    def calls_named(self, name: str) -> list[tuple[ts.Node, FileScan]]:
        if self._calls is None:
            self._calls = {}
            for fs in self.scans:
                names = fs.names
                for call, _scope in fs.calls:
                    self._calls.setdefault(names.get(call.id) or fs.name_of(call) or "", []).append((call, fs))
        return self._calls.get(name, [])

    def def_at(self, node: ts.Node) -> MethodDef | None:
        """The scan's record of a `def` node."""
        if self._defs is None:
            self._defs = {}
            for fs in self.scans:
                for cdef in fs.classes:
                    for mdef in (*cdef.methods.values(), *cdef.smethods.values()):
                        self._defs[mdef.node.id] = mdef
                for defs in fs.functions.values():
                    for mdef in defs:
                        self._defs[mdef.node.id] = mdef
        return self._defs.get(node.id)

    def scope_of_call(self, call: ts.Node, fs: FileScan):
        scopes = self._call_scopes.get(id(fs))
        if scopes is None:
            scopes = self._call_scopes[id(fs)] = {c.id: sc for c, sc in fs.calls}
        return scopes.get(call.id)

    def built_on(self, fq: str) -> list[str]:
        """App classes whose method lookup reaches `fq` (itself, subclasses, includers): their code sees its
        methods and instance variables."""
        found = self._built_on.get(fq)
        if found is None:
            found = self._built_on[fq] = [a.fq for a in self.project.classes.values()
                                          if any(c.fq == fq for c in a.chain())]
        return found

    def classes_named(self, path: str) -> list[AppClass]:
        """App classes a constant written `path` may name from some nesting: those whose name ends with it
        (a superset of Ruby's lexical lookup, which the inferer's call sites use)."""
        if self._by_short is None:
            self._by_short = {}
            for fq, app in self.project.classes.items():
                self._by_short.setdefault(fq.rsplit("::", 1)[-1], []).append(app)
        bare = path.lstrip(":")
        return [app for app in self._by_short.get(bare.rsplit("::", 1)[-1], ())
                if app.fq == bare or app.fq.endswith("::" + bare)]

    def class_defs(self, fqs: list[str]) -> list[ClassDef]:
        return [d for fq in fqs for d in self.project.classes[fq].defs]


class _Flow:
    def __init__(self, project: Project) -> None:
        self.index = _Index(project)
        self.scans = project.scans
        self.marked: set[int] = set()
        self.pending: list[tuple[ts.Node, FileScan]] = []
        self._seen: set[tuple] = set()  # names already followed

    def add(self, node: ts.Node, fs: FileScan) -> None:
        if node.id not in self.marked:
            self.marked.add(node.id)
            self.pending.append((node, fs))

    def _first(self, *key) -> bool:
        if key in self._seen:
            return False
        self._seen.add(key)
        return True

    # ---- what a name reaches ------------------------------------------------------------------
    def defined(self, defn: ts.Node, fs: FileScan) -> None:
        """The value of a def: every explicit call of its name; bare calls (and `self.x`) from the classes
        built on its class, or from anywhere for a top-level def."""
        name = _name(defn)
        mdef = self.index.def_at(defn)
        if not name or mdef is None:
            return
        owner = mdef.cls.fq if mdef.cls is not None else None
        if not self._first("def", name, owner):
            return
        within = self.index.class_defs(self.index.built_on(owner)) if owner is not None else None
        for call, cfs in self.index.calls_named(name):
            recv = cfs.receiver_of(call)
            if recv is not None and recv.type != "self":
                self.add(call, cfs)  # `x.name`: x may be an instance of any class
            elif within is None or any(d.file is cfs and _within(call, d.node) for d in within):
                self.add(call, cfs)
        self._bare(name, within)

    def _bare(self, name: str, within: list[ClassDef] | None) -> None:
        """Bare identifiers `name` (implicit calls), inside the given class bodies or anywhere."""
        word = name.encode()
        for cfs in self.scans:
            if word not in cfs.pf.source:
                continue
            holders = None if within is None else [d for d in within if d.file is cfs]
            if holders == []:
                continue
            for node in self.index.named(cfs, name):
                if holders is None or any(_within(node, d.node) for d in holders):
                    self.add(node, cfs)

    def let(self, name: str, fs: FileScan) -> None:
        """`let(:name) { value }`: a bare `name` in the same file."""
        if not self._first("let", name, id(fs)):
            return
        for node in self.index.named(fs, name):
            self.add(node, fs)
        for call, _scope in fs.calls:
            if fs.name_of(call) == name and fs.receiver_of(call) is None:
                self.add(call, fs)

    def ivar(self, name: str, assign: ts.Node, fs: FileScan) -> None:
        """`@x = value`: @x in the classes built on the assigning one (or the file's top level), the views
        of those that are controllers (or of a helper's), and their readers of it."""
        cdef = self._class_at(assign, fs)
        if cdef is None:  # top level: the file's own, a template's are every template's (views.ViewIvars)
            if not self._first("top-ivar", name, id(fs)):
                return
            self._ivars_in(name, [fs])
            if fs.pf.rel.endswith(".erb"):
                self._template_ivars(name)
            return
        if not self._first("ivar", name, cdef.fq):
            return
        fqs = self.index.built_on(cdef.fq)
        holders = self.index.class_defs(fqs)
        word = name.encode()
        for holder in holders:
            if word in holder.file.pf.source:
                for node in self.index.named(holder.file, name, "instance_variable"):
                    if _within(node, holder.node):
                        self.add(node, holder.file)
        if any(fq.endswith("Controller") for fq in fqs) or "app/helpers/" in fs.pf.rel:
            self._template_ivars(name)
        reader = name[1:]
        for holder in holders:
            for d in self.index.project.classes[holder.fq].chain():
                if any(reader in c.readers for c in d.defs):
                    self._reader(reader, fqs)
                    return

    def _reader(self, name: str, fqs: list[str]) -> None:
        if not self._first("reader", name, tuple(fqs)):
            return
        within = self.index.class_defs(fqs)
        for call, cfs in self.index.calls_named(name):
            recv = cfs.receiver_of(call)
            if recv is not None and recv.type != "self":
                self.add(call, cfs)
            elif any(d.file is cfs and _within(call, d.node) for d in within):
                self.add(call, cfs)
        self._bare(name, within)

    def _ivars_in(self, name: str, files: list[FileScan]) -> None:
        word = name.encode()
        for cfs in files:
            if word in cfs.pf.source:
                for node in self.index.named(cfs, name, "instance_variable"):
                    self.add(node, cfs)

    def _template_ivars(self, name: str) -> None:
        if self._first("template-ivar", name):
            self._ivars_in(name, [fs for fs in self.scans if fs.pf.rel.endswith(".erb")])

    def _class_at(self, node: ts.Node, fs: FileScan) -> ClassDef | None:
        """The innermost class or module body of the file around `node` (None: top level)."""
        best = None
        for cdef in fs.classes:
            body = cdef.node.child_by_field_name("body")
            if body is not None and _within(node, body) and (best is None or _within(cdef.node, best.node)):
                best = cdef
        return best

    def local(self, scope_node: ts.Node, name: str, fs: FileScan) -> None:
        """Identifiers named `name` inside the scope (a def, block, class body or file) whose locals hold it."""
        if not self._first("local", scope_node.id, name):
            return
        for node in self.index.named(fs, name):
            if _within(node, scope_node):
                self.add(node, fs)

    def erb(self) -> None:
        """A partial's locals come from the renders passing them: every bare name of a template."""
        if not self._first("erb"):
            return
        for fs in self.scans:
            if fs.pf.rel.endswith(".erb"):
                for node in _identifiers(fs.pf.root):
                    self.add(node, fs)
                for call, _scope in fs.calls:
                    if fs.receiver_of(call) is None:
                        self.add(call, fs)

    # ---- from an expression up to what holds its value ------------------------------------------
    def climb(self, node: ts.Node, fs: FileScan) -> None:
        child, cur = node, node.parent
        while cur is not None:
            t = cur.type
            field = _NOT_CARRIED.get(t)
            if field is not None and _is_field(cur, field, child):
                return
            if t in _PASS:
                self.add(cur, fs)
                if t in ("assignment", "operator_assignment"):
                    self._assigned(cur, fs)
            elif t == "call" and _is_field(cur, "receiver", child):
                self.add(cur, fs)
                if _BROADCAST.match(fs.name_of(cur) or "") is not None:
                    self.erb()  # `message.broadcast_append_to(..)`: the record is the partial's local
                block = cur.child_by_field_name("block")
                if block is not None:  # `x.tap { |c| }`: the block's parameters may be the receiver
                    self._block_params(block, fs)
            elif t == "pair":
                if not (_is_field(cur, "value", child) or _shorthand(child)):
                    return  # a key with a value: not what the pair holds
                if cur.parent is None or cur.parent.type != HASH_LITERAL:
                    self._in_arguments(cur, fs)  # braceless keywords: the called method's parameters
                    return
            elif t == HASH_LITERAL or t == HASH_READ and _is_field(cur, "object", child):
                self.add(cur, fs)  # `{ chat: x }` holds x; `h[:chat]` may be what h holds
            else:
                self._leave(cur, child, fs)  # the value goes no further up, perhaps to a name
                return
            child, cur = cur, cur.parent

    def _leave(self, cur: ts.Node, child: ts.Node, fs: FileScan) -> None:
        """`child`'s value is not `cur`'s; it may still reach a method, a parameter or a let by name."""
        t = cur.type
        if t == "argument_list":
            owner = cur.parent
            if owner is not None and owner.type == "return":
                self._returned(owner, fs)
            elif owner is not None and owner.type == "call":
                self._passed(owner, fs)
        elif t in _ARGUMENT_PARTS:
            self._in_arguments(cur, fs)
        elif t == "return":
            self._returned(cur, fs)
        elif t in _DEFS:
            if not (_is_field(cur, "name", child) or _is_field(cur, "parameters", child)):
                self.defined(cur, fs)
        elif t in ("optional_parameter", "keyword_parameter"):
            defn = cur.parent.parent if cur.parent is not None else None
            if _is_field(cur, "value", child) and defn is not None:
                self.local(defn, _name(cur), fs)
        elif t in ("block", "do_block") and cur.parent is not None and cur.parent.type == "call":
            self._let(cur.parent, fs)

    def _assigned(self, assign: ts.Node, fs: FileScan) -> None:
        left = assign.child_by_field_name("left")
        if left is None:
            return
        if left.type == "identifier":
            scope = assign.parent
            while scope is not None and scope.type not in _SCOPES:
                scope = scope.parent
            if scope is not None:
                self.local(scope, text(left), fs)
        elif left.type == "instance_variable":
            self.ivar(text(left), assign, fs)

    def _block_params(self, block: ts.Node, fs: FileScan) -> None:
        params = block.child_by_field_name("parameters")
        for p in params.named_children if params is not None else ():
            if p.type == "identifier":
                self.local(block, text(p), fs)

    def _returned(self, ret: ts.Node, fs: FileScan) -> None:
        cur = ret.parent
        while cur is not None and cur.type not in _RETURN_STOPS:
            cur = cur.parent
        if cur is not None and cur.type in _DEFS:
            self.defined(cur, fs)

    def _passed(self, call: ts.Node, fs: FileScan) -> None:
        """An argument of a call: the parameters its call sites type (types.callers). A bare (or `self.`) call
        reaches the defs of that name in the calling class (`new(..)` there its `initialize`) and top-level
        defs of that name; a call on a constant (`X.new`, `X.run`, `X.perform_later`) the class's constructor,
        class method or `perform`; any render of a partial (`render`, `turbo_stream.append`, a broadcast:
        types.views.partial_sites), the partials' locals."""
        recv = fs.receiver_of(call)
        called = fs.name_of(call) or ""
        if _renders_partial(called):
            self.erb()
        if recv is not None and recv.type != "self":
            path = const_path(recv)
            for app in self.index.classes_named(path) if path else ():
                self._entered(app, called)
            return  # other receivers: the inferer types no parameter from them
        scope = self.index.scope_of_call(call, fs)
        fq = scope.cls.fq if scope is not None and scope.cls is not None else None
        app = self.index.project.classes.get(fq) if fq is not None else None
        if app is not None:
            for cdef in app.defs:
                for mdef in (cdef.methods.get(called), cdef.smethods.get(called)):
                    if mdef is not None:
                        self._parameters(mdef)
            self._entered(app, called)
        for sfs in self.scans:
            for mdef in sfs.functions.get(called, ()):
                self._parameters(mdef)

    def _entered(self, app: AppClass, called: str) -> None:
        """`X.called(..)`: the parameters of X's class method `called`, or of the instance method it enters."""
        entry = _ENTRY_OF.get(called)
        for cdef in app.defs:
            mdef = cdef.methods.get(entry) if entry is not None else cdef.smethods.get(called)
            if mdef is not None:
                self._parameters(mdef)

    def _parameters(self, mdef: MethodDef) -> None:
        for _kind, name in mdef.params:
            if name:
                self.local(mdef.node, name, mdef.scope.file)

    def _in_arguments(self, part: ts.Node, fs: FileScan) -> None:
        cur = part.parent
        while cur is not None and cur.type in _ARGUMENT_PARTS:
            cur = cur.parent
        if cur is not None and cur.type == "argument_list" and cur.parent is not None and cur.parent.type == "call":
            self._passed(cur.parent, fs)

    def _let(self, call: ts.Node, fs: FileScan) -> None:
        if call.child_by_field_name("receiver") is not None or _name(call, "method") not in _LETS:
            return
        args = call.child_by_field_name("arguments")
        if args is not None and args.named_children:
            let = symbol_value(args.named_children[0])
            if let:
                self.let(let, fs)


def _identifiers(root: ts.Node):
    """Every identifier of a tree, and every shorthand key (which reads the identifier of its name)."""
    cursor = root.walk()
    while True:
        if cursor.node.type == "identifier" or _shorthand(cursor.node):
            yield cursor.node
        if cursor.goto_first_child():
            continue
        while not cursor.goto_next_sibling():
            if not cursor.goto_parent():
                return


def carriers(project: Project, nodes: list[tuple[ts.Node, FileScan]]) -> set[int]:
    """Ids of the expressions of the scanned files whose inferred value may be that of one of `nodes`."""
    flow = _Flow(project)
    for node, fs in nodes:
        flow.add(node, fs)
    while flow.pending:
        node, fs = flow.pending.pop()
        flow.climb(node, fs)
    return flow.marked
