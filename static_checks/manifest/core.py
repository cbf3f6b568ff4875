"""Ruby core methods every object has, read from a list a real ruby generated.

Regenerate with `ruby static_checks/manifest/tools/ruby_core.rb > static_checks/data/ruby_core/methods.json`.
Tests and the checker never need ruby itself.
"""

from __future__ import annotations

import json
from functools import lru_cache
from importlib import resources

# Graded apps are Rails apps: ActiveSupport adds these to every Object (core_ext/object),
# so `chat.present?` or `message.try(:content)` is not an invented RubyLLM method.
ACTIVESUPPORT_OBJECT = (
    "present?",  # core_ext/object/blank
    "blank?",
    "presence",
    "try",  # core_ext/object/try
    "try!",
    "to_json",  # core_ext/object/json
    "as_json",
    "in?",  # core_ext/object/inclusion
    "presence_in",
    "deep_dup",  # core_ext/object/deep_dup
    "duplicable?",  # core_ext/object/duplicable
    "instance_values",  # core_ext/object/instance_variables
    "instance_variable_names",
    "to_param",  # core_ext/object/to_query
    "to_query",
    "with_options",  # core_ext/object/with_options
    "acts_like?",  # core_ext/object/acts_like
    "html_safe?",  # core_ext/string/output_safety
)

MODULES = ("BasicObject", "Kernel", "Object", "Comparable", "Enumerable", "Module", "Class", "Exception", "Struct")


@lru_cache(maxsize=1)
def _data() -> dict:
    text = resources.files("static_checks.data").joinpath("ruby_core/methods.json").read_text()
    return json.loads(text)


def public_instance_methods(module: str) -> tuple[str, ...]:
    """Public methods a module itself defines (`Enumerable` -> map, select, ...)."""
    entry = _data()["modules"].get(module)
    return tuple(entry["public"]) if entry else ()


@lru_cache(maxsize=1)
def object_methods() -> frozenset[str]:
    """Public methods of any object: Kernel + Object + BasicObject, plus ActiveSupport's."""
    return frozenset(_data()["object_public"]) | frozenset(ACTIVESUPPORT_OBJECT)


@lru_cache(maxsize=1)
def class_methods() -> frozenset[str]:
    """Public methods of a class object (`Foo.new`, `Foo.name`, `Foo.instance_method`)."""
    return frozenset(_data()["class_singleton_public"]) | frozenset(ACTIVESUPPORT_OBJECT)


@lru_cache(maxsize=1)
def module_methods() -> frozenset[str]:
    return frozenset(_data()["module_singleton_public"]) | frozenset(ACTIVESUPPORT_OBJECT)


def core_superclass(name: str) -> str | None:
    """`StandardError` -> `Exception`: core classes a gem class may inherit from."""
    return _data()["superclasses"].get(name)


def is_core(name: str) -> bool:
    return name in MODULES or core_superclass(name) is not None


def mixin_methods(module: str) -> frozenset[str]:
    """Methods an include of a core mixin brings (Enumerable, Comparable)."""
    return frozenset(public_instance_methods(module))


def private_kernel_methods() -> frozenset[str]:
    """Kernel's private methods (puts, raise, format): callable without a receiver only."""
    return frozenset(_data()["modules"]["Kernel"]["private"])
