"""Ruby and Rails names that are no evidence about the gem: test doubles, class-body macros, generic names."""

from __future__ import annotations

from functools import lru_cache

from static_checks.manifest.core import class_body_macros, mixin_methods, object_methods

# Test-double APIs (Mocha, Minitest, RSpec's old syntax) reachable on any object in a test;
# stub-unknown-method checks what they stub, unknown-method must not call them invented.
TEST_DOUBLE_METHODS = frozenset({
    "stubs", "expects", "any_instance", "stub", "stub_any_instance", "unstub", "mock",
    "should_receive", "should_not_receive", "should", "should_not", "stub_chain", "stubs_chain",
})
# Receiver-less macros any Rails class body may call (one list, kept with the ActiveSupport ones).
RAILS_CLASS_BODY_MACROS = class_body_macros()


@lru_cache(maxsize=1)
def generic_names() -> frozenset[str]:
    """Names any Ruby value answers (Object, Enumerable, conversions): no evidence on their own."""
    extra = {"to_a", "to_h", "to_s", "to_str", "to_ary", "to_hash", "to_json", "call", "size", "length",
             "first", "last", "keys", "values", "fetch", "dig", "[]", "each", "map", "name", "id", "value"}
    return object_methods() | mixin_methods("Enumerable") | frozenset(extra)
