"""ManifestIndex on the committed manifests generated from ruby_llm's real source.

Each expectation was checked by reading the gem's code at that tag (git show TAG:lib/...).
"""

from __future__ import annotations

import pytest

from static_checks.manifest.index import ManifestIndex, available_versions

CHAT = "RubyLLM::Chat"


def kinds(sig):
    return [(p.kind, p.name) for p in sig.params]


@pytest.fixture(scope="module")
def latest():
    return ManifestIndex.load("1.16.0")


def test_every_release_and_no_prerelease():
    versions = available_versions()
    assert versions[0] == "1.0.0" and versions[-1] == "1.16.0"
    assert len(versions) == 35
    assert not any(c in v for v in versions for c in ("rc", "pre"))
    assert available_versions("ruby_llm-schema")[-1] == "0.3.0"


def test_unknown_version_is_a_clear_error():
    with pytest.raises(ValueError, match="1.0.0 .. 1.16.0"):
        ManifestIndex.load("9.9.9")


@pytest.mark.parametrize(
    "version,expected",
    [
        ("1.0.0", [("key", "model")]),
        ("1.1.0", [("key", "model"), ("key", "provider")]),
        ("1.2.0", [("key", "model"), ("key", "provider"), ("key", "assume_model_exists")]),
    ],
)
def test_rubyllm_chat_signature_before_forwarding(version, expected):
    sig = ManifestIndex.load(version).find_method("RubyLLM", "chat", singleton=True)
    assert kinds(sig) == expected and sig.forwards_to is None


def test_rubyllm_chat_forwards_to_chat_new_from_1_3(latest):
    sig = ManifestIndex.load("1.3.0").find_method("RubyLLM", "chat", singleton=True)
    assert sig.forwards_to == "RubyLLM::Chat.new"
    assert kinds(sig) == [("key", "model"), ("key", "provider"), ("key", "assume_model_exists"), ("key", "context")]
    assert latest.return_type("RubyLLM", "chat", singleton=True) == CHAT


def test_chat_new_takes_initialize_signature(latest):
    new = latest.find_method(CHAT, "new", singleton=True)
    init = latest.find_method(CHAT, "initialize")
    assert kinds(new) == kinds(init) and init.visibility == "private" and new.visibility == "public"
    assert latest.return_type(CHAT, "new", singleton=True) == CHAT


def test_with_schema_appears_in_1_4(latest):
    assert ManifestIndex.load("1.3.0").find_method(CHAT, "with_schema") is None
    assert ManifestIndex.load("1.4.0").find_method(CHAT, "with_schema") is not None
    assert latest.versions_with_method(CHAT, "with_schema")[0] == "1.4.0"


def test_with_thinking_from_1_10(latest):
    versions = available_versions()
    assert latest.versions_with_method(CHAT, "with_thinking") == versions[versions.index("1.10.0") :]


def test_complete_public_messages_no_writer(latest):
    assert latest.find_method(CHAT, "complete").visibility == "public"
    assert latest.find_method(CHAT, "messages").origin == "attr_reader"
    assert latest.find_method(CHAT, "messages=") is None
    assert latest.versions_with_method(CHAT, "messages=") == []


def test_chat_is_enumerable(latest):
    sig = latest.find_method(CHAT, "map")
    assert sig.origin == "core" and sig.owner == "Enumerable"
    assert "Enumerable" in latest.ancestors(CHAT)
    # Message does not include Enumerable
    assert latest.find_method("RubyLLM::Message", "map") is None


def test_message_has_no_text_but_content_does(latest):
    assert latest.find_method("RubyLLM::Message", "text") is None
    assert latest.find_method("RubyLLM::Content", "text") is not None
    assert latest.versions_with_method("RubyLLM::Message", "text") == []


def test_builders_return_the_chat(latest):
    for name in ("with_model", "with_tools", "with_instructions", "with_temperature", "with_schema", "on_end_message"):
        assert latest.return_type(CHAT, name) == CHAT, name
    assert latest.return_type(CHAT, "ask") == "RubyLLM::Message"
    assert latest.block_param_type(CHAT, "ask") == "RubyLLM::Chunk"
    assert latest.is_subclass("RubyLLM::Chunk", "RubyLLM::Message")


def test_configure_and_config(latest):
    assert latest.block_param_type("RubyLLM", "configure", singleton=True) == "RubyLLM::Configuration"
    assert latest.return_type("RubyLLM", "config", singleton=True) == "RubyLLM::Configuration"
    assert latest.return_type("RubyLLM", "embed", singleton=True) == "RubyLLM::Embedding"
    assert latest.return_type("RubyLLM", "paint", singleton=True) == "RubyLLM::Image"


@pytest.mark.parametrize("version,total", [("1.13.0", 49), ("1.14.1", 49), ("1.16.0", 59)])
def test_config_option_counts(version, total):
    idx = ManifestIndex.load(version)
    assert len(idx.config_options()) == total
    common = {"openrouter_api_key", "openai_api_key", "default_model", "request_timeout", "max_retries"}
    assert common <= idx.config_options()
    assert "api_key" not in idx.config_options()


@pytest.mark.parametrize("version,core", [("1.14.1", 19), ("1.16.0", 24)])
def test_core_option_macros(version, core):
    """Options declared with `option :x` in configuration.rb, not registered by providers."""
    cfg = ManifestIndex.load(version).namespace("RubyLLM::Configuration")
    declared = [n for n, s in cfg.instance_methods.items() if s.origin == "option" and not n.endswith("=")]
    declared = [n for n in declared if s_loc(cfg, n).startswith("lib/ruby_llm/configuration.rb")]
    assert len(declared) == core


def s_loc(ns, name):
    return ns.instance_methods[name].location or ""


def test_provider_options_registered_in_1_16(latest):
    cfg = latest.namespace("RubyLLM::Configuration")
    assert cfg.instance_methods["openrouter_api_key="].origin == "option"
    assert latest.find_method("RubyLLM::Configuration", "openrouter_api_key=").visibility == "public"
    assert ManifestIndex.load("1.2.0").find_method("RubyLLM::Configuration", "openrouter_api_key") is None
    assert latest.versions_with_method("RubyLLM::Configuration", "openrouter_api_key")[0] == "1.3.0"


def test_tool_desc_alias_and_halt(latest):
    assert ManifestIndex.load("1.14.1").find_method("RubyLLM::Tool", "desc", singleton=True) is None
    desc = ManifestIndex.load("1.15.0").find_method("RubyLLM::Tool", "desc", singleton=True)
    assert desc.origin == "alias"
    assert latest.find_method("RubyLLM::Tool", "halt").visibility == "protected"


def test_concurrency_keyword_in_1_16():
    old = ManifestIndex.load("1.15.0").find_method(CHAT, "with_tools")
    new = ManifestIndex.load("1.16.0").find_method(CHAT, "with_tools")
    assert ("key", "concurrency") not in kinds(old) and ("key", "concurrency") in kinds(new)


def test_acts_as_chat_methods():
    idx = ManifestIndex.load("1.13.0")
    owner = idx.acts_as_methods("acts_as_chat")
    assert owner == "RubyLLM::ActiveRecord::ActsAsLegacy::acts_as_chat"  # use_new_acts_as defaults to false
    new_owner = idx.acts_as_methods("acts_as_chat", new_api=True)
    assert new_owner == "RubyLLM::ActiveRecord::ActsAs::acts_as_chat"
    add = idx.find_method(new_owner, "add_message")
    assert add.origin == "def" and add.owner == "RubyLLM::ActiveRecord::ChatMethods"
    assert idx.find_method(new_owner, "with_tool").returns == "self"
    assert idx.find_method(new_owner, "stream") is None
    # before 1.12.1 add_message is a delegate to the in-memory RubyLLM::Chat (not persisted)
    old = ManifestIndex.load("1.6.0")
    delegated = old.find_method(old.acts_as_methods("acts_as_chat"), "add_message")
    assert delegated.origin == "delegate" and kinds(delegated) == [("req", "message_or_attributes")]
    assert ManifestIndex.load("1.6.0").acts_as_methods("acts_as_chat", new_api=True).endswith("ActsAs::acts_as_chat")


def test_schema_merged_from_1_9():
    assert not ManifestIndex.load("1.8.2").has_constant("RubyLLM::Schema")
    idx = ManifestIndex.load("1.9.0")
    assert idx.schema_version == "0.2.5"  # ~> 0.2.1 -> newest 0.2.x
    assert idx.has_constant("RubyLLM::Schema")
    assert ManifestIndex.load("1.16.0").schema_version == "0.3.0"  # ~> 0
    assert idx.find_method("RubyLLM::Schema", "create", singleton=True) is not None


def test_constants_and_lookup(latest):
    assert latest.has_constant("RubyLLM::VERSION") and latest.has_constant("RubyLLM::Error")
    assert latest.resolve_constant("Chat", ["RubyLLM"]) == CHAT
    assert latest.resolve_constant("Chat", []) is None
    assert latest.resolve_constant("RubyLLM::Chat", ["App", "App::Controller"]) == CHAT
    assert latest.is_subclass("RubyLLM::RateLimitError", "RubyLLM::Error")
    assert latest.versions_with_constant("RubyLLM::TimeoutError") == []
    assert latest.versions_with_constant("RubyLLM::Client") == []


def test_method_names_for_did_you_mean(latest):
    names = latest.method_names(CHAT)
    assert "with_tools" in names and "ask" in names
    assert "initialize" not in names and "object_id" not in names and "map" not in names


def test_private_methods_are_reported_private(latest):
    sig = latest.find_method(CHAT, "handle_tool_calls")
    assert sig is not None and sig.visibility == "private"


def test_object_core_methods_present(latest):
    assert latest.find_method(CHAT, "present?").origin == "core"
    assert latest.find_method(CHAT, "respond_to?").origin == "core"
    assert latest.find_method(CHAT, "name", singleton=True).origin == "core"


def test_errors_have_exception_methods_and_external_ancestors_are_named(latest):
    sig = latest.find_method("RubyLLM::RateLimitError", "message")
    assert sig.origin == "core" and sig.owner == "Exception"
    assert latest.find_method("RubyLLM::RateLimitError", "response").owner == "RubyLLM::Error"
    assert latest.external_ancestors("RubyLLM::RateLimitError") == []
    assert latest.external_ancestors("RubyLLM::ErrorMiddleware") == ["Faraday::Middleware"]


def test_agent_delegates_to_its_chat(latest):
    # def_delegators :chat, ... with `@chat = chat || RubyLLM.chat(...)` in initialize
    ask = latest.find_method("RubyLLM::Agent", "ask")
    assert ask.origin == "delegate" and kinds(ask) == kinds(latest.find_method(CHAT, "ask"))
    assert latest.return_type("RubyLLM::Agent", "with_tools") == CHAT
    assert latest.return_type("RubyLLM::Agent", "ask") == "RubyLLM::Message"
    # Faraday.new: a class outside the gem stays untyped
    assert latest.return_type("RubyLLM::Connection", "connection") is None


def test_overlay_entries_annotate_real_methods():
    """Every overlay entry names a method the extractor found in some release (no typos, no inventions)."""
    from static_checks.manifest.index import _overlay

    for (owner, name, singleton), entries in _overlay().items():
        for entry in entries:
            versions = [v for v in available_versions() if ManifestIndex.load(v).namespace(owner) is not None]
            assert versions, owner
            found = [v for v in versions if ManifestIndex.load(v).find_method(owner, name, singleton) is not None]
            assert found, (owner, name)
            if "since" in entry:
                assert str(entry["since"]) in found, (owner, name, entry["since"])
            first = str(entry.get("since", found[0]))
            for key in ("returns", "block_param"):
                if key in entry:
                    assert ManifestIndex.load(first).has_constant(entry[key]), (owner, name, entry[key])


def test_chat_model_is_model_info_from_1_3():
    assert ManifestIndex.load("1.3.0").return_type(CHAT, "model") == "RubyLLM::Model::Info"
    assert ManifestIndex.load("1.2.0").return_type(CHAT, "model") is None


def test_new_without_gem_initialize(latest):
    # ModelNotFoundError < StandardError defines no initialize: Exception#initialize(msg = nil) applies
    sig = latest.find_method("RubyLLM::ModelNotFoundError", "new", singleton=True)
    assert [p.kind for p in sig.params] == ["rest", "keyrest", "block"]
    # a plain gem class without initialize: Object#initialize takes nothing
    plain = [n for n in latest.namespace_names() if latest.namespace(n).kind == "class"
             and latest.find_method(n, "initialize") is None and not latest.external_ancestors(n)
             and latest.ancestors(n)[-1] == n]
    assert plain and latest.find_method(plain[0], "new", singleton=True).params == []
