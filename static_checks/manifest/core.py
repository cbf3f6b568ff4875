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

# ActiveSupport's core_ext/module and core_ext/class add these public methods to every Module
# (and so every class). A Rails app may call them on a gem class with an explicit receiver:
# `RubyLLM::Tool.descendants`, `RubyLLM::Chat.module_parent`. Only what Rails loads on every
# Module is here; macros of ActiveModel/ActiveRecord concerns (validates, ...) are not.
ACTIVESUPPORT_MODULE = (
    "alias_attribute",  # core_ext/module/aliasing
    "anonymous?",  # core_ext/module/anonymous
    "attr_internal",  # core_ext/module/attr_internal
    "attr_internal_accessor",
    "attr_internal_reader",
    "attr_internal_writer",
    "mattr_accessor",  # core_ext/module/attribute_accessors
    "mattr_reader",
    "mattr_writer",
    "cattr_accessor",
    "cattr_reader",
    "cattr_writer",
    "thread_mattr_accessor",  # core_ext/module/attribute_accessors_per_thread
    "thread_mattr_reader",
    "thread_mattr_writer",
    "thread_cattr_accessor",
    "thread_cattr_reader",
    "thread_cattr_writer",
    "concerning",  # core_ext/module/concerning
    "concern",
    "delegate",  # core_ext/module/delegation
    "delegate_missing_to",
    "deprecate",  # core_ext/module/deprecation
    "module_parent",  # core_ext/module/introspection
    "module_parent_name",
    "module_parents",
    "redefine_method",  # core_ext/module/redefine_method
    "redefine_singleton_method",
    "silence_redefinition_of_method",
    "remove_possible_method",  # core_ext/module/remove_method
    "remove_possible_singleton_method",
)
# core_ext/class: only classes answer these.
ACTIVESUPPORT_CLASS = (
    "class_attribute",  # core_ext/class/attribute
    "descendants",  # core_ext/class/subclasses (DescendantsTracker before Ruby 3.1)
    "subclasses",
)
# ActiveSupport::Concern's hooks: a gem module that is a Concern answers these publicly.
ACTIVESUPPORT_CONCERN = ("included", "prepended", "class_methods")

# Receiver-less class-body macros a Rails class has beyond ActiveSupport's Module/Class extensions:
# Ruby's own Module hooks, ActiveSupport::Callbacks and Rescuable (in every controller and model),
# and ActiveModel's validations and attributes.
RAILS_FRAMEWORK_MACROS = (
    "extended", "inherited",  # Module hooks (Ruby)
    "define_callbacks", "set_callback", "run_callbacks",  # ActiveSupport::Callbacks
    "define_model_callbacks",  # ActiveModel::Callbacks
    "rescue_from",  # ActiveSupport::Rescuable
    "validates", "validate", "attribute",  # ActiveModel::Validations, ActiveModel::Attributes
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
    return (
        frozenset(_data()["class_singleton_public"])
        | frozenset(ACTIVESUPPORT_OBJECT)
        | frozenset(ACTIVESUPPORT_MODULE)
        | frozenset(ACTIVESUPPORT_CLASS)
    )


@lru_cache(maxsize=1)
def module_methods() -> frozenset[str]:
    """Public methods of a module object (`RubyLLM::Helpers.module_parent`)."""
    return (
        frozenset(_data()["module_singleton_public"])
        | frozenset(ACTIVESUPPORT_OBJECT)
        | frozenset(ACTIVESUPPORT_MODULE)
        | frozenset(ACTIVESUPPORT_CONCERN)
    )


@lru_cache(maxsize=1)
def class_body_macros() -> frozenset[str]:
    """Names a Rails class body may call without a receiver: every ActiveSupport Module and Class
    extension, the Concern hooks, and the framework macros above. The one list both the manifest
    (gem classes with a receiver) and the rules (receiver-less calls in app classes) build on."""
    return (frozenset(ACTIVESUPPORT_MODULE) | frozenset(ACTIVESUPPORT_CLASS) | frozenset(ACTIVESUPPORT_CONCERN)
            | frozenset(RAILS_FRAMEWORK_MACROS))


def core_superclass(name: str) -> str | None:
    """`StandardError` -> `Exception`: core classes a gem class may inherit from."""
    return _data()["superclasses"].get(name)


def is_core(name: str) -> bool:
    return name in MODULES or core_superclass(name) is not None


def mixin_methods(module: str) -> frozenset[str]:
    """Methods an include of a core mixin brings (Enumerable, Comparable)."""
    return frozenset(public_instance_methods(module))


def private_module_methods() -> frozenset[str]:
    """Module's private methods (module_function, private, remove_const): callable in a class body."""
    return frozenset(_data()["modules"]["Module"]["private"])


def private_kernel_methods() -> frozenset[str]:
    """Kernel's private methods (puts, raise, format): callable without a receiver only."""
    return frozenset(_data()["modules"]["Kernel"]["private"])
