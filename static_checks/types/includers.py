"""Where an app module may be mixed in besides the class bodies that `include`/`prepend` it by name.

`self` in a concern's method is the model that includes it only when that model is the module's one user
(infer.Inferer._includer). Any other use of the module's name may mix it into something else:
`Note.include(Titling)`, `send(:include, Titling)`, `extend Titling`, `obj.extend(Titling)`, an `on_load`
hook's `include Titling`, `include` inside `class << self`, or the module handed on as a value. Only its
definition, an `include`/`prepend` written in a class or module body, a namespace prefix (`Titling::X`)
and class tests (`is_a?(Titling)`, `when Titling`) are no such use.
"""

from __future__ import annotations

import tree_sitter as ts

from static_checks.parsing import ParsedFile
from static_checks.types.callers import READS_CLASS, outermost_constants
from static_checks.types.syntax import same_node, text

_BODY_MIXINS = frozenset({"include", "prepend"})
_TESTS = frozenset({"when", "in_clause", "exceptions", "pattern"})


def mixed_elsewhere(project, short: str) -> bool:
    """May module `short` be mixed in anywhere but the class bodies that include it by name: a use in the
    scanned files (other_mixers), or any use (an includer too) in a file the type scan skipped? Read once
    per project and name: every inferer of the project asks the same."""
    cache = project.__dict__.setdefault("_mixed_elsewhere", {})
    if short not in cache:
        needle = short.encode()
        found = short in other_mixers([fs.pf for fs in project.scans if needle in fs.pf.source])
        if not found and project.named_in_unscanned(short):
            found = short in other_mixers([pf for pf in project.unscanned if needle in pf.source], False)
        cache[short] = found
    return cache[short]


def other_mixers(files: list[ParsedFile], counted_includes: bool = True) -> dict[str, str]:
    """Module short name -> the first place (file:line) its name is used in a way that may mix it in elsewhere.
    counted_includes: class-body `include`/`prepend` are already counted as includers (files the type scan
    read); in other files they are users we did not count."""
    out: dict[str, str] = {}
    for pf in files:
        for node in outermost_constants(pf.root):
            last = node.child_by_field_name("name") if node.type == "scope_resolution" else node
            if last is not None and text(last) not in out and _may_mix(node, counted_includes):
                out[text(last)] = f"{pf.rel}:{node.start_point[0] + 1}"
    return out


def _may_mix(const: ts.Node, counted_includes: bool) -> bool:
    parent = const.parent
    if parent is None:
        return False
    kind = parent.type
    if kind in ("class", "module") and same_node(parent.child_by_field_name("name"), const):
        return False
    if kind == "argument_list" and parent.parent is not None and parent.parent.type == "call":
        call = parent.parent
        name = call.child_by_field_name("method")
        called = text(name) if name is not None else ""
        if called in READS_CLASS:
            return False
        body = call.parent
        return not (counted_includes and called in _BODY_MIXINS and call.child_by_field_name("receiver") is None
                    and body is not None
                    and body.type == "body_statement" and body.parent is not None
                    and body.parent.type in ("class", "module"))
    if kind == "call" and same_node(parent.child_by_field_name("receiver"), const):
        return False  # `Titling.helper`: a call on the module, not a mix-in of it
    if kind == "binary":
        op = parent.child_by_field_name("operator")
        return op is None or text(op) not in READS_CLASS
    return kind not in _TESTS


