"""Load YAML while remembering the line of every value.

Why: a rubric error must point at the YAML line a user has to fix. PyYAML's composed node
tree carries marks; we build plain Python data from it and keep a map from the path of each
value (("deductions", 3, "points")) to its 1-based line.
"""

from __future__ import annotations

from typing import Any

import yaml

Path = tuple[Any, ...]


class YamlSyntaxError(ValueError):
    def __init__(self, message: str, line: int | None):
        super().__init__(message)
        self.line = line


def _build(node: yaml.Node, path: Path, lines: dict[Path, int]) -> Any:
    lines[path] = node.start_mark.line + 1
    if isinstance(node, yaml.MappingNode):
        out: dict[Any, Any] = {}
        for key_node, value_node in node.value:
            key = _build(key_node, path + ("<key>",), {})
            if key in out:
                raise YamlSyntaxError(f"duplicate key {key!r}", key_node.start_mark.line + 1)
            out[key] = _build(value_node, path + (key,), lines)
        return out
    if isinstance(node, yaml.SequenceNode):
        return [_build(child, path + (i,), lines) for i, child in enumerate(node.value)]
    # Scalars: let the safe constructor resolve ints, floats, bools, nulls.
    return yaml.SafeLoader(" ").construct_object(node)  # type: ignore[arg-type]


def load_with_lines(text: str) -> tuple[Any, dict[Path, int]]:
    """Parse one YAML document with the safe loader; return (data, {path: line})."""
    try:
        node = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        raise YamlSyntaxError(str(exc.problem or exc), mark.line + 1 if mark else None) from exc
    if node is None:
        return None, {}
    lines: dict[Path, int] = {}
    return _build(node, (), lines), lines


def line_for(lines: dict[Path, int], loc: Path) -> int | None:
    """Line of the deepest known prefix of loc (pydantic error locations may go past the data)."""
    loc = tuple(loc)
    while loc:
        if loc in lines:
            return lines[loc]
        loc = loc[:-1]
    return lines.get(())
