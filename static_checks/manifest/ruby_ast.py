"""Moved to static_checks.types.syntax (one module of tree-sitter readers); kept for old imports."""

from static_checks.types.syntax import (
    call_args,
    is_local,
    keyword_args,
    literal_name,
    params_of,
    statements,
    walk_calls,
)
from static_checks.types.syntax import method_last_statement as last_expression

__all__ = ["call_args", "is_local", "keyword_args", "last_expression", "literal_name", "params_of", "statements",
           "walk_calls"]
