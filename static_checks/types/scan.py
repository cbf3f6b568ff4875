"""One walk over a file's tree: its classes, methods, scopes, assignments and calls.

Everything later (type inference, rules) reads these records instead of walking the
tree again, so each relevant file is walked exactly once.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cached_property, lru_cache

import tree_sitter as ts

from grader.core.budget import PER_FILE, Deadline, OverBudget, file_deadline
from static_checks.parsing import ParsedFile, ruby_language
from static_checks.types.syntax import (
    block_param_names,
    call_receiver,
    const_path,
    def_body,
    enclosing,
    is_test_path,
    method_params,
    text,
)

# A file that never tests a class cannot narrow a value (types.flow.narrowed_to, asserted_before).
_CLASS_TEST = re.compile(rb"is_a\?|kind_of\?|instance_of\?|===|\bwhen\b|\bassert_(?:kind|instance)_of\b"
                         rb"|\bbe_(?:an?|kind_of|a_kind_of|instance_of|an_instance_of)\b")
# Every match of _CLASS_TEST holds one of these: substring tests spare most files the regex.
_CLASS_TEST_WORDS = (b"is_a?", b"kind_of?", b"instance_of?", b"===", b"when", b"assert_", b"be_")

_UNREAD = object()  # FileScan.receiver_of: not read yet (None is "no receiver")

# A local assignment: (end of the assignment, right-hand side or None when unknowable).
Assign = tuple[int, ts.Node | None]


@dataclass(eq=False)
class Scope:
    """A local-variable scope: the program, a class body, or a def. Blocks share their def's."""

    kind: str  # "program" | "class" | "sclass" | "def" | "sdef"
    node: ts.Node
    parent: Scope | None
    cls: ClassDef | None
    nesting: tuple[str, ...]  # enclosing module/class names, fully qualified, outermost first
    file: FileScan
    method: MethodDef | None = None
    locals: dict[str, list[Assign]] = field(default_factory=dict)
    params: set[str] = field(default_factory=set)
    # blocks and lambdas with parameters in this scope: (start, end, parameter names, node)
    blocks: list[tuple[int, int, list[str | None], ts.Node]] = field(default_factory=list)

    def block_binding(self, name: str, at: int) -> tuple[ts.Node, int] | None:
        """The innermost block/lambda around byte `at` binding `name`: (node, position)."""
        best = None
        for start, end, names, node in self.blocks:
            if start <= at < end and name in names and (best is None or start > best[0].start_byte):
                best = (node, names.index(name))
        return best

    @property
    def in_class_body(self) -> bool:
        return self.kind in ("class", "sclass")

    @property
    def singleton_self(self) -> bool:
        """`self` here is the class object (class body, `class << self`, `def self.x`)."""
        return self.kind in ("class", "sclass", "sdef")


@dataclass(eq=False)
class MethodDef:
    name: str
    node: ts.Node
    singleton: bool
    params: list[tuple[str, str | None]]
    cls: ClassDef | None
    scope: Scope
    visibility: str = "public"

    @property
    def body(self) -> ts.Node | None:
        return def_body(self.node)


@dataclass(eq=False)
class ClassDef:
    fq: str
    kind: str  # "class" | "module" | "file" (ivars of a file's top level / spec blocks)
    superclass: str | None
    superclass_node: ts.Node | None
    node: ts.Node
    nesting: tuple[str, ...]
    file: FileScan
    methods: dict[str, MethodDef] = field(default_factory=dict)
    smethods: dict[str, MethodDef] = field(default_factory=dict)
    ivars: dict[str, list[tuple[ts.Node | None, Scope]]] = field(default_factory=dict)
    macros: list[tuple[str, ts.Node, Scope]] = field(default_factory=list)  # implicit-self calls in the body
    mixins: list[str] = field(default_factory=list)  # include/extend/prepend arguments

    @cached_property
    def declared(self):
        """What the body declares (models_world/declarations.Declared, the one reader of class-body macros),
        read once, when first asked."""
        from static_checks.models_world.declarations import Declared, read_body, struct_members

        found = Declared(module_body=self.kind == "module")
        if self.kind != "file":
            pf = self.file.pf
            read_body(pf, self.node.child_by_field_name("body"), found, [*self.nesting, self.fq])
            struct_members(pf, self.superclass_node, found)
        return found

    @property
    def readers(self) -> set[str]:
        """Instance readers `attr_reader`/`attr_accessor` define: each returns the ivar of its name."""
        return self.declared.attr_readers

    @property
    def writers(self) -> set[str]:
        return self.declared.attr_writers


@dataclass(eq=False)
class FileScan:
    pf: ParsedFile
    is_test: bool
    classes: list[ClassDef] = field(default_factory=list)
    calls: list[tuple[ts.Node, Scope]] = field(default_factory=list)
    # `recv.name = value` / `recv.name ||= value`: (assignment node, left call node, scope)
    writes: list[tuple[ts.Node, ts.Node, Scope]] = field(default_factory=list)
    # `recv[k]` reads and `recv[k] = v` writes: the methods `[]` / `[]=` (assignment node or None, node, scope)
    indexes: list[tuple[ts.Node | None, ts.Node, Scope]] = field(default_factory=list)
    # outermost `A::B` constant paths and bare constants: (node, path, scope)
    consts: list[tuple[ts.Node, str, Scope]] = field(default_factory=list)
    const_assigns: set[str] = field(default_factory=set)  # `RubyLLM::Foo = ...` written by the app
    # RSpec `let(:name) { expr }` / `let!` / `subject(:name)`: name -> [(value expression, scope)]
    lets: dict[str, list[tuple[ts.Node | None, Scope]]] = field(default_factory=dict)
    program: Scope | None = None
    toplevel: ClassDef | None = None  # pseudo class holding top-level ivars
    names: dict[int, str] = field(default_factory=dict)  # call node id -> method name, read once
    receivers: dict[int, ts.Node | None] = field(default_factory=dict)  # call node id -> its receiver, read once
    # `def` outside any class or module (scripts, rake files): private methods of Object, by name
    functions: dict[str, list[MethodDef]] = field(default_factory=dict)
    # ids of the left sides of plain `x.y = v` / `x[k] = v` (every assignment of the tree is scanned)
    write_targets: set[int] = field(default_factory=set)

    def is_write_target(self, node: ts.Node) -> bool:
        """is_plain_write_target(node) for a node of this file, without asking the tree."""
        return node.id in self.write_targets

    @cached_property
    def tests_classes(self) -> bool:
        """The source has a class test (`is_a?`, `===`, `when`...): asked once per file, not per value."""
        source = self.pf.source
        return any(word in source for word in _CLASS_TEST_WORDS) and _CLASS_TEST.search(source) is not None

    @cached_property
    def probes_methods(self) -> bool:
        return b"respond_to?" in self.pf.source

    @cached_property
    def const_calls(self) -> list[tuple[ts.Node, Scope, str | None, str]]:
        """Calls on a constant (`Reply.new(chat)`, `Llm::Runner.run`): (call, scope, method name, the constant as
        written), read once for both askers: the classes a file hands values to (types.project) and the call
        sites of a class's constructor and class methods (types.callers)."""
        out = []
        for call, scope in self.calls:
            recv = self.receiver_of(call)
            path = const_path(recv) if recv is not None else None
            if path:
                out.append((call, scope, self.name_of(call), path))
        return out

    def receiver_of(self, call: ts.Node) -> ts.Node | None:
        """call_receiver(call) for a call of this file, read once by the scan."""
        found = self.receivers.get(call.id, _UNREAD)
        if found is _UNREAD:
            found = self.receivers[call.id] = call_receiver(call)
        return found  # type: ignore[return-value]

    def name_of(self, call: ts.Node) -> str | None:
        name = self.names.get(call.id)
        if name is None:
            m = call.child_by_field_name("method")
            name = text(m) if m is not None else ""
            self.names[call.id] = name
        return name or None

    def scope_ivars(self, scope: Scope) -> ClassDef:
        if scope.cls is not None:
            return scope.cls
        if self.toplevel is None:
            self.toplevel = ClassDef(
                fq=f"<top:{self.pf.rel}>", kind="file", superclass=None, superclass_node=None,
                node=self.pf.root, nesting=(), file=self,
            )
        return self.toplevel


VISIBILITY = frozenset({"private", "protected", "public"})
MIXIN_MACROS = frozenset({"include", "extend", "prepend"})


def _qualify(path: str, nesting: tuple[str, ...]) -> str:
    if path.startswith("::"):
        return path[2:]
    return f"{nesting[-1]}::{path}" if nesting else path


# One query, compiled once per process, finds every node the scan needs; the rest of the
# tree (identifiers, literals, operators: most of it) is never turned into Python objects.
_QUERY_SOURCE = """
(class) @class
(module) @module
(singleton_class) @sclass
(method) @def
(singleton_method) @def
(call) @call
(element_reference) @index
(assignment) @assign
(operator_assignment) @assign
(scope_resolution) @const
(body_statement (identifier) @bare)
(block parameters: (block_parameters)) @block
(do_block parameters: (block_parameters)) @block
(lambda parameters: (_)) @block
"""


@lru_cache(maxsize=1)
def _query() -> ts.Query:
    return ts.Query(ruby_language(), _QUERY_SOURCE)


def scan_file(pf: ParsedFile) -> FileScan:
    """The file's classes, defs, calls and scopes. Past the per-file time budget the file is marked
    (`pf.over_budget`, reported as skipped) and scans as empty; past the repo's, OverBudget goes up."""
    deadline = file_deadline()
    try:
        return _scan(pf, deadline)
    except OverBudget as exc:
        if deadline.what != PER_FILE:
            raise
        pf.over_budget = f"not analysed by the rules: {exc}"
        empty = FileScan(pf=pf, is_test=is_test_path(pf.rel))
        empty.program = Scope("program", pf.root, None, None, (), empty)
        return empty


def _scan(pf: ParsedFile, deadline: Deadline) -> FileScan:
    fs = FileScan(pf=pf, is_test=is_test_path(pf.rel))
    program = Scope("program", pf.root, None, None, (), fs)
    fs.program = program
    captures = ts.QueryCursor(_query()).captures(pf.root)
    nodes = [(n.start_byte, -n.end_byte, kind, n) for kind, found in captures.items() for n in found]
    nodes.sort(key=lambda item: (item[0], item[1]))
    default_vis: dict[int, str] = {}
    # open scopes: (first byte inside, end byte, scope); a class's scope starts at its body
    stack: list[tuple[int, int, Scope]] = [(0, 1 << 62, program)]
    for seen, (start, neg_end, kind, node) in enumerate(nodes):
        if seen % 512 == 511:
            deadline.check()
        while len(stack) > 1 and stack[-1][1] <= start:
            stack.pop()
        top = stack[-1]
        # inside the innermost open scope, unless in a class's head (name, superclass) before its body
        scope = top[2] if top[0] <= start else next(sc for first, _end, sc in reversed(stack) if first <= start)
        if kind in ("class", "module"):
            inner = _scan_class(node, scope, fs)
            body = node.child_by_field_name("body")
            if body is not None:
                stack.append((body.start_byte, -neg_end, inner))
        elif kind == "sclass":
            body = node.child_by_field_name("body")
            if body is not None:
                stack.append((body.start_byte, -neg_end, Scope("sclass", node, scope, scope.cls, scope.nesting, fs)))
        elif kind == "def":
            inner = _scan_def(node, scope, fs, default_vis)
            stack.append((start, -neg_end, inner))
        elif kind == "call":
            _record_call(node, scope, fs, default_vis)
        elif kind == "index" and node.id not in fs.write_targets:  # `h[k] = v` calls only `[]=`
            fs.indexes.append((None, node, scope))
        elif kind == "assign":
            _record_assignment(node, scope, fs)
        elif kind == "const":
            _record_const(node, scope, fs)
        elif kind == "block":
            scope.blocks.append((start, -neg_end, _block_param_names(node), node))
        elif kind == "bare" and scope.in_class_body and scope.cls is not None:
            _record_bare_macro(node, scope, default_vis)
    return fs


def _record_call(node: ts.Node, scope: Scope, fs: FileScan, default_vis: dict[int, str]) -> None:
    fs.calls.append((node, scope))
    fs.name_of(node)
    if fs.receiver_of(node) is None:
        if scope.in_class_body and scope.cls is not None:
            _class_macro(node, scope, default_vis)
        if fs.is_test:
            _record_let(node, scope, fs)


def _record_const(node: ts.Node, scope: Scope, fs: FileScan) -> None:
    """Outermost constant paths only: `A::B` is one reference, not also `A`."""
    parent = node.parent
    if not (parent is not None and parent.type == "scope_resolution"):
        path = const_path(node)
        if path:
            fs.consts.append((node, path, scope))


def _block_param_names(node: ts.Node) -> list[str | None]:
    if node.type == "lambda":
        params = node.child_by_field_name("parameters")
        return [text(p) for p in params.named_children] if params is not None else []
    return block_param_names(node)


def _record_bare_macro(node: ts.Node, scope: Scope, default_vis: dict[int, str]) -> None:
    # a bare statement in a class body: a macro without arguments (`acts_as_chat`),
    # or `private` / `protected` switching the default visibility
    name = text(node)
    scope.cls.macros.append((name, node, scope))  # type: ignore[union-attr]  # callers check cls
    if name in VISIBILITY:
        default_vis[id(scope)] = name


def is_plain_write_target(node: ts.Node) -> bool:
    """The left side of a plain `recv.x = v`: only the writer `x=` is called (`||=` also reads `x`)."""
    parent = node.parent
    return parent is not None and parent.type == "assignment" and parent.child_by_field_name("left") == node


def _scan_class(node: ts.Node, scope: Scope, fs: FileScan) -> Scope:
    name_node = node.child_by_field_name("name")
    path = const_path(name_node) or "?"
    fq = _qualify(path, scope.nesting)
    sup_node = node.child_by_field_name("superclass") if node.type == "class" else None
    sup_expr = sup_node.named_children[0] if sup_node is not None and sup_node.named_children else None
    cdef = ClassDef(
        fq=fq, kind=node.type, superclass=const_path(sup_expr), superclass_node=sup_expr,
        node=node, nesting=scope.nesting, file=fs,
    )
    fs.classes.append(cdef)
    return Scope("class", node, scope, cdef, scope.nesting + (fq,), fs)


def _scan_def(node, scope: Scope, fs: FileScan, default_vis) -> Scope:
    name_node = node.child_by_field_name("name")
    name = text(name_node) if name_node is not None else "?"
    singleton = node.type == "singleton_method" or scope.kind == "sclass" or _in_class_methods_block(node)
    inner = Scope("sdef" if singleton else "def", node, scope, scope.cls, scope.nesting, fs)
    params = method_params(node)
    inner.params = {n for _, n in params if n}
    vis = default_vis.get(id(scope), "public")
    parent = node.parent
    # `private def x` wraps the def in a call's argument list
    if parent is not None and parent.type == "argument_list":
        owner_call = parent.parent
        if owner_call is not None and owner_call.type == "call":
            mname = owner_call.child_by_field_name("method")
            if mname is not None and text(mname) in VISIBILITY:
                vis = text(mname)
    mdef = MethodDef(name=name, node=node, singleton=singleton, params=params, cls=scope.cls, scope=inner,
                     visibility=vis)
    inner.method = mdef
    if scope.cls is not None:
        (scope.cls.smethods if singleton else scope.cls.methods)[name] = mdef
    elif not singleton and scope.kind == "program" and not _inside_block(node):
        fs.functions.setdefault(name, []).append(mdef)
    return inner


def _inside_block(node: ts.Node) -> bool:
    """A `def` in a block (`RSpec.describe do`, `Class.new do`) defines a method of whatever the block
    runs on, not a top-level function."""
    found = enclosing(node, "do_block", "block", "lambda", "program")
    return found is not None and found.type != "program"


def _in_class_methods_block(node: ts.Node) -> bool:
    """ActiveSupport::Concern's `class_methods do def x ... end end`: x is a class method of the includer."""
    block = node.parent
    if block is not None and block.type in ("body_statement", "block_body"):
        block = block.parent
    call = block.parent if block is not None and block.type in ("do_block", "block") else None
    return call is not None and call.type == "call" and call_receiver(call) is None and \
        text(call.child_by_field_name("method")) == "class_methods"


def _class_macro(call: ts.Node, scope: Scope, default_vis) -> None:
    cls = scope.cls
    name_node = call.child_by_field_name("method")
    if name_node is None or cls is None:
        return
    name = text(name_node)
    cls.macros.append((name, call, scope))
    args = call.child_by_field_name("arguments")
    if name in MIXIN_MACROS and args is not None:
        for a in args.named_children:
            cls.mixins.append(const_path(a) or text(a))
    elif name in VISIBILITY and args is None and scope.kind in ("class", "sclass"):
        default_vis[id(scope)] = name


LET_MACROS = frozenset({"let", "let!", "subject"})


def _record_let(call: ts.Node, scope: Scope, fs: FileScan) -> None:
    name_node = call.child_by_field_name("method")
    if name_node is None or text(name_node) not in LET_MACROS:
        return
    args = call.child_by_field_name("arguments")
    block = call.child_by_field_name("block")
    if args is None or block is None or not args.named_children:
        return
    sym = args.named_children[0]
    if sym.type != "simple_symbol":
        return
    body = block.child_by_field_name("body")
    fs.lets.setdefault(text(sym)[1:], []).append((body, scope))


def _record_assignment(node: ts.Node, scope: Scope, fs: FileScan) -> None:
    left = node.child_by_field_name("left")
    right = node.child_by_field_name("right")
    if left is None:
        return
    lt = left.type
    if node.type == "assignment" and lt in ("call", "element_reference"):
        fs.write_targets.add(left.id)  # seen before the left side: nodes come in start order, outer first
    if lt == "identifier":
        scope.locals.setdefault(text(left), []).append((node.end_byte, right))
    elif lt == "instance_variable":
        fs.scope_ivars(scope).ivars.setdefault(text(left), []).append((right, scope))
    elif lt == "call":
        fs.writes.append((node, left, scope))
    elif lt == "element_reference":
        fs.indexes.append((node, left, scope))
    elif lt in ("constant", "scope_resolution"):
        path = const_path(left)
        if path:
            fs.const_assigns.add(_qualify(path, scope.nesting))
    elif lt == "left_assignment_list":
        for item in left.named_children:
            target = item.named_children[0] if item.type == "rest_assignment" and item.named_children else item
            if target.type == "identifier":
                scope.locals.setdefault(text(target), []).append((node.end_byte, None))
            elif target.type == "instance_variable":
                fs.scope_ivars(scope).ivars.setdefault(text(target), []).append((None, scope))
