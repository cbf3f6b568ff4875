"""Which expressions can give a value its type: the paths through bodies, branches and assignments.

Pure readers over the tree (no typing): the inferencer asks for every value a body, a method or a
local variable can hold at a point, and keeps a type only when all of them agree. `nil` stands for
"not set yet" and never breaks agreement. Walks are iterative.
"""

from __future__ import annotations

import tree_sitter as ts

# Statements that end a path without giving the enclosing expression a value.
_DIVERTS = frozenset({"return", "next", "break", "redo", "retry"})
_RAISES = frozenset({"raise", "fail"})
# Constructs inside which an assignment may not run on the way to a later use.
_BRANCHING = frozenset({
    "if", "unless", "elsif", "else", "then", "when", "case", "case_match", "in_clause", "conditional",
    "if_modifier", "unless_modifier", "while", "until", "while_modifier", "until_modifier", "for",
    "rescue", "rescue_modifier", "block", "do_block", "lambda", "ensure",
})
# Nested bodies whose `return` is not the method's own.
_OWN_RETURNS_STOP = frozenset({"method", "singleton_method", "lambda", "class", "module", "singleton_class"})


def _named(node: ts.Node) -> list[ts.Node]:
    return [c for c in node.named_children if c.type != "comment"]


def diverts(node: ts.Node | None) -> bool:
    """`raise ...`, `return`, `next`, `retry`: the path leaves instead of producing a value."""
    if node is None:
        return False
    if node.type in _DIVERTS:
        return True
    if node.type == "identifier":
        return (node.text or b"").decode() in _RAISES
    if node.type == "call" and node.child_by_field_name("receiver") is None:
        name = node.child_by_field_name("method")
        return name is not None and (name.text or b"").decode() in _RAISES
    return False


def last_of(node: ts.Node | None) -> ts.Node | None:
    """The last statement of a clause (`then`, `else`, a rescue body), or None when empty."""
    if node is None:
        return None
    named = _named(node)
    return named[-1] if named else None


def body_values(body: ts.Node) -> list[ts.Node | None]:
    """The expressions a statement list can end with: its last statement (the `else` clause's when the
    body rescues), and each rescue clause's last statement unless it raises, retries or returns.
    None stands for an empty clause (nil)."""
    named = _named(body)
    main = [c for c in named if c.type not in ("rescue", "ensure", "else")]
    rescues = [c for c in named if c.type == "rescue"]
    orelse = next((c for c in named if c.type == "else"), None)
    out: list[ts.Node | None] = []
    if rescues and orelse is not None:
        out.append(last_of(orelse))
    else:
        out.append(main[-1] if main else None)
    for clause in rescues:
        value = last_of(clause.child_by_field_name("body"))
        if not diverts(value):
            out.append(value)
    return [v for v in out if not diverts(v)] or [None]


def case_branches(node: ts.Node) -> list[ts.Node | None] | None:
    """The clause bodies of `case`/`case ... in`; None when a plain `case` has no `else` (nil on a path)."""
    branches: list[ts.Node | None] = []
    has_else = False
    for child in _named(node):
        if child.type in ("when", "in_clause"):
            branches.append(last_of(child.child_by_field_name("body")))
        elif child.type == "else":
            has_else = True
            branches.append(last_of(child))
    if not has_else and node.type == "case":
        return None
    return [b for b in branches if not diverts(b)]


def method_returns(defn: ts.Node) -> list[ts.Node | None] | None:
    """The arguments of every `return` of this def (not of nested defs or lambdas); None when one
    returns several values (an Array)."""
    out: list[ts.Node | None] = []
    body = defn.child_by_field_name("body")
    stack = list(body.named_children) if body is not None else []
    while stack:
        node = stack.pop()
        if node.type in _OWN_RETURNS_STOP:
            continue
        if node.type == "return":
            args = node.named_children[0] if node.named_children else None
            values = _named(args) if args is not None else []
            if len(values) > 1:
                return None
            out.append(values[0] if values else None)
            continue
        stack.extend(node.named_children)
    return out


def conditional(assign: ts.Node, use_at: int, scope_node: ts.Node) -> bool:
    """The assignment may not run on the way to a use at byte `use_at`: a branch, loop, block or rescued
    body holds it but not the use (`x ||= v` keeps an earlier value too)."""
    if assign.type == "operator_assignment":
        return True
    cur = assign.parent
    while cur is not None and cur.id != scope_node.id:
        if cur.start_byte <= use_at < cur.end_byte:
            return False
        if cur.type in _BRANCHING:
            return True
        if cur.type in ("begin", "body_statement") and any(c.type == "rescue" for c in cur.named_children):
            return True
        cur = cur.parent
    return False


# Class tests that narrow a value inside the branch they guard.
_CLASS_TESTS = frozenset({"is_a?", "kind_of?", "instance_of?"})
# The guarded part of each guarding construct: (node type, field of the guarded child).
_GUARDED = {"if": "consequence", "elsif": "consequence", "if_modifier": "body", "conditional": "consequence"}


def _text(node: ts.Node | None) -> str:
    return (node.text or b"").decode() if node is not None else ""


def _tested_classes(cond: ts.Node | None, name: str) -> list[str]:
    """Constants `cond` proves `name` to be an instance of: `name.is_a?(Hash)`, `Hash === name`, also as
    one side of `&&`/`and` (an `||` proves nothing on its own)."""
    out: list[str] = []
    stack = [cond] if cond is not None else []
    while stack:
        node = stack.pop()
        if node.type == "parenthesized_statements":
            stack.extend(_named(node))
        elif node.type == "binary":
            op = node.child_by_field_name("operator")
            if _text(op) in ("&&", "and"):
                stack.extend(n for n in (node.child_by_field_name("left"), node.child_by_field_name("right")) if n)
            elif _text(op) == "===" and _text(node.child_by_field_name("right")) == name:
                left = node.child_by_field_name("left")
                if left is not None and left.type in ("constant", "scope_resolution"):
                    out.append(_text(left))
        elif node.type == "call" and _text(node.child_by_field_name("method")) in _CLASS_TESTS:
            recv = node.child_by_field_name("receiver")
            args = node.child_by_field_name("arguments")
            first = _named(args)[0] if args is not None and _named(args) else None
            if recv is not None and recv.type == "identifier" and _text(recv) == name and first is not None \
                    and first.type in ("constant", "scope_resolution"):
                out.append(_text(first))
    return out


def narrowed_to(use: ts.Node, name: str, stop: ts.Node) -> list[str]:
    """Classes the local `name` is proven to be where `use` sits, from the guards around it up to `stop`:
    `if r.is_a?(Hash) then r[:a]`, `r[:a] if r.is_a?(Hash)`, `r.is_a?(Hash) ? r[:a] : ...`,
    `case r when Hash then r[:a]`. Only guarded parts count, never the `else` side."""
    out: list[str] = []
    for child, cur in _enclosing(use, stop):
        if cur.type in _GUARDED:
            if _holds_on_side(cur, child, _GUARDED):
                out.extend(_tested_classes(cur.child_by_field_name("condition"), name))
        elif cur.type == "when" and (body := cur.child_by_field_name("body")) is not None and body.id == child.id:
            case = cur.parent
            value = case.child_by_field_name("value") if case is not None and case.type == "case" else None
            if value is not None and value.type == "identifier" and _text(value) == name:
                patterns = [p for p in cur.children_by_field_name("pattern")]
                consts = [_named(p)[0] if p.type == "pattern" and _named(p) else p for p in patterns]
                if consts and all(c.type in ("constant", "scope_resolution") for c in consts):
                    out.extend(_text(c) for c in consts)
    return out


# Test assertions that stop the test unless a value is an instance of a class, and where the class sits.
_ASSERT_CLASS_ARG = {"assert_kind_of": 0, "assert_instance_of": 0}
_EXPECT_CLASS = frozenset({"be_a", "be_an", "be_kind_of", "be_a_kind_of", "be_instance_of", "be_an_instance_of"})


def _asserted_classes(stmt: ts.Node, name: str) -> list[str]:
    """Classes the statement asserts the local `name` to be (the test stops there otherwise):
    `assert name.is_a?(C)`, `assert_kind_of C, name`, `assert_instance_of(C, name)`, `expect(name).to be_a(C)`."""
    if stmt.type != "call":
        return []
    method = _text(stmt.child_by_field_name("method"))
    args = stmt.child_by_field_name("arguments")
    given = _named(args) if args is not None else []
    recv = stmt.child_by_field_name("receiver")
    if recv is None and method == "assert" and given:
        return _tested_classes(given[0], name)
    if recv is None and method in _ASSERT_CLASS_ARG and len(given) >= 2:
        cls, value = given[0], given[1]
        if value.type == "identifier" and _text(value) == name and cls.type in ("constant", "scope_resolution"):
            return [_text(cls)]
        return []
    if method == "to" and recv is not None and recv.type == "call" and len(given) == 1 \
            and _text(recv.child_by_field_name("method")) == "expect":
        subject = _named(recv.child_by_field_name("arguments")) if recv.child_by_field_name("arguments") else []
        matcher = given[0]
        if len(subject) == 1 and subject[0].type == "identifier" and _text(subject[0]) == name \
                and matcher.type == "call" and _text(matcher.child_by_field_name("method")) in _EXPECT_CLASS:
            margs = _named(matcher.child_by_field_name("arguments")) if matcher.child_by_field_name("arguments") else []
            if margs and margs[0].type in ("constant", "scope_resolution"):
                return [_text(margs[0])]
    return []


def _assigns(stmt: ts.Node, name: str) -> bool:
    left = stmt.child_by_field_name("left") if stmt.type in ("assignment", "operator_assignment") else None
    return left is not None and left.type == "identifier" and _text(left) == name


def asserted_before(use: ts.Node, name: str, stop: ts.Node) -> list[str]:
    """Classes an earlier statement of an enclosing body asserted the local `name` to be, with no
    reassignment of `name` between the assertion and the statement holding `use`."""
    out: list[str] = []
    for child, cur in _enclosing(use, stop):
        if cur.type not in ("body_statement", "block_body", "then", "else", "begin", "program"):
            continue
        found: list[str] = []
        for stmt in _named(cur):
            if stmt.id == child.id:
                break
            if _assigns(stmt, name):
                found = []
            else:
                found.extend(_asserted_classes(stmt, name))
        out.extend(found)
    return out


def _enclosing(use: ts.Node, stop: ts.Node):
    """(child, parent) pairs from `use` up to, not including, `stop`."""
    child, cur = use, use.parent
    while cur is not None and cur.id != stop.id:
        yield child, cur
        child, cur = cur, cur.parent


def _holds_on_side(node: ts.Node, child: ts.Node, sides: dict[str, str]) -> bool:
    """Whether `child` is the side of `node` that `sides` names for its type."""
    field = sides.get(node.type)
    side = node.child_by_field_name(field) if field is not None else None
    return side is not None and side.id == child.id


def _probed(cond: ts.Node | None, name: str) -> str | None:
    """`name.respond_to?(:m)` (possibly parenthesized) as the whole condition: m."""
    while cond is not None and cond.type == "parenthesized_statements" and len(_named(cond)) == 1:
        cond = _named(cond)[0]
    if cond is None or cond.type != "call" or _text(cond.child_by_field_name("method")) != "respond_to?":
        return None
    recv = cond.child_by_field_name("receiver")
    args = cond.child_by_field_name("arguments")
    first = _named(args)[0] if args is not None and _named(args) else None
    if recv is None or recv.type != "identifier" or _text(recv) != name or first is None:
        return None
    if first.type == "simple_symbol":
        return _text(first).lstrip(":")
    return None


# Where a failed `respond_to?` leads: (node type, field of the child that runs when the probe is false).
_PROBE_FAILED = {"if": "alternative", "elsif": "alternative", "conditional": "alternative",
                 "unless": "consequence", "unless_modifier": "body"}


def refuted(use: ts.Node, name: str, stop: ts.Node) -> list[str]:
    """Methods the local `name` is known NOT to have where `use` sits: the else side of
    `if name.respond_to?(:m)`, the body of `unless name.respond_to?(:m)`."""
    out: list[str] = []
    for child, cur in _enclosing(use, stop):
        if _holds_on_side(cur, child, _PROBE_FAILED):
            probed = _probed(cur.child_by_field_name("condition"), name)
            if probed:
                out.append(probed)
    return out
