"""Ruby and Rails names that are no evidence about the gem: test doubles, class-body macros, generic names."""

from __future__ import annotations

from functools import lru_cache

from static_checks.manifest.core import (
    class_body_macros,
    class_methods,
    mixin_methods,
    object_methods,
    private_kernel_methods,
    private_module_methods,
)

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


# Class-body calls that run code or define methods we cannot list (`class_eval`, `concerning`, `send`...).
_MAY_DEFINE = frozenset({
    "class_eval", "class_exec", "module_eval", "module_exec", "instance_eval", "instance_exec", "send", "__send__",
    "public_send", "concerning", "concern", "redefine_method", "redefine_singleton_method",
    "silence_redefinition_of_method", "define_method", "define_singleton_method", "refine", "using",
    "method_missing", "included", "extended", "prepended", "inherited", "append_features", "extend_object",
    "delegate_missing_to", "instance_variable_set",
})


@lru_cache(maxsize=1)
def harmless_class_body_calls() -> frozenset[str]:
    """Receiver-less class-body calls that define no method: Ruby's and Rails' class methods and macros,
    Kernel's private methods, less those that may define methods (the declarations reader handles the
    ones whose names it can read: attr_*, class_attribute, delegate...)."""
    return (class_methods() | class_body_macros() | private_kernel_methods() | private_module_methods()) - _MAY_DEFINE
