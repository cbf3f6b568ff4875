"""Moved to static_checks.types.syntax (one module of tree-sitter readers); the names the fact
collectors import from here stay available."""

from static_checks.types.syntax import (
    NodeIndex,
    ancestors,
    args,
    call_name,
    class_path,
    const_path,
    contains,
    def_name,
    enclosing,
    enclosing_method,
    kwarg,
    line_count,
)
from static_checks.types.syntax import call_receiver as receiver
from static_checks.types.syntax import symbol_value as literal

__all__ = ["NodeIndex", "call_name", "receiver", "const_path", "literal", "args", "kwarg", "ancestors", "enclosing",
           "enclosing_method", "def_name", "class_path", "line_count", "contains"]
