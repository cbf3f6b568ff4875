"""The version-drift claims of shared/reference/rubyllm-facts.md, checked against the generated manifests.

Each row: (owner, method, singleton, first release that has it). Where the code disagrees with
the notes, the row follows the code and says so.
"""

from __future__ import annotations

import pytest

from static_checks.manifest.index import ManifestIndex, available_versions

CHAT, MSG, TOOL = "RubyLLM::Chat", "RubyLLM::Message", "RubyLLM::Tool"

FIRST_SEEN = [
    (CHAT, "with_context", False, "1.3.0"),
    (CHAT, "with_schema", False, "1.4.0"),
    (CHAT, "with_params", False, "1.4.0"),
    (CHAT, "on_tool_call", False, "1.4.0"),
    (CHAT, "with_headers", False, "1.6.0"),
    (CHAT, "on_tool_result", False, "1.6.0"),
    (CHAT, "with_thinking", False, "1.10.0"),
    (CHAT, "before_message", False, "1.15.0"),
    (CHAT, "after_message", False, "1.15.0"),
    (CHAT, "before_tool_call", False, "1.15.0"),
    (CHAT, "after_tool_result", False, "1.15.0"),
    (MSG, "cost", False, "1.15.0"),
    (MSG, "model_info", False, "1.15.0"),
    (MSG, "cache_read_tokens", False, "1.15.0"),
    (TOOL, "desc", True, "1.15.0"),
    ("RubyLLM", "deprecator", True, "1.16.0"),
    ("RubyLLM", "instrument", True, "1.16.0"),
    # not in the notes' drift list, found while checking the module-method list
    ("RubyLLM", "context", True, "1.3.0"),
    ("RubyLLM", "moderate", True, "1.8.0"),
    ("RubyLLM", "transcribe", True, "1.9.0"),
    (MSG, "cached_tokens", False, "1.9.0"),
]


@pytest.mark.parametrize("owner,name,singleton,first", FIRST_SEEN)
def test_first_release_with_method(owner, name, singleton, first):
    idx = ManifestIndex.load("1.16.0")
    found = idx.versions_with_method(owner, name, singleton)
    releases = available_versions()
    assert found == releases[releases.index(first) :]


def test_concurrency_keyword_first_in_1_16():
    has = [
        v
        for v in available_versions()
        if any(p.name == "concurrency" for p in ManifestIndex.load(v).find_method(CHAT, "with_tools").params)
    ]
    assert has == ["1.16.0"]


def test_rubyllm_chat_signature_history():
    shapes = {}
    for v in available_versions():
        sig = ManifestIndex.load(v).find_method("RubyLLM", "chat", singleton=True)
        shapes[v] = (tuple(p.name for p in sig.params), sig.forwards_to)
    assert shapes["1.0.1"] == (("model",), None)
    assert shapes["1.1.2"] == (("model", "provider"), None)
    assert shapes["1.2.0"] == (("model", "provider", "assume_model_exists"), None)
    assert shapes["1.3.0"][1] == shapes["1.16.0"][1] == "RubyLLM::Chat.new"


def test_acts_as_chat_add_message_contradicts_notes():
    """Notes: "add_message on an acts_as_chat model only from 1.13.0".

    Code: every release's acts_as_chat has add_message; up to 1.12.0 it is
    `delegate :add_message, to: :to_llm` (goes to the in-memory RubyLLM::Chat, not persisted),
    from 1.12.1 a persisting `def add_message` in Chat(Legacy)Methods.
    """
    origins = {}
    for v in available_versions():
        idx = ManifestIndex.load(v)
        for new_api in (False, True):
            sig = idx.find_method(idx.acts_as_methods("acts_as_chat", new_api=new_api), "add_message")
            origins.setdefault(v, set()).add(sig.origin)
    assert origins["1.0.0"] == origins["1.12.0"] == {"delegate"}
    assert origins["1.12.1"] == origins["1.13.0"] == origins["1.16.0"] == {"def"}


def test_timeout_error_never_defined_and_config_has_no_method_missing():
    idx = ManifestIndex.load("1.16.0")
    assert idx.versions_with_constant("RubyLLM::TimeoutError") == []
    assert all(not ManifestIndex.load(v).has_method_missing("RubyLLM::Configuration") for v in available_versions())


@pytest.mark.parametrize("version", available_versions())
def test_tool_halt_protected_where_present(version):
    sig = ManifestIndex.load(version).find_method(TOOL, "halt")
    assert sig is None or sig.visibility == "protected"
