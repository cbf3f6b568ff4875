"""History file round trip and ManifestIndex lookups, on two releases built from the fixture gem."""

from __future__ import annotations

from pathlib import Path

import pytest

from static_checks.manifest import history, index
from static_checks.manifest.extract import extract_files
from static_checks.manifest.history import (
    build_call_history, build_history, manifest_at, read_history, write_history,
)

FIXTURE = Path(__file__).resolve().parent.parent / "fixtures" / "gems" / "toy_llm" / "lib"
AAC = "ToyLLM::ActiveRecord::ActsAs::acts_as_chat"
# Release 0.2.0 = the fixture plus a new method and a changed signature.
V2_EXTRA = b"""
module ToyLLM
  class Chat
    def with_schema(schema); self; end
  end
  class Embedding
    def self.embed(text, model: nil, dimensions: nil, batch: false)
      new
    end
  end
end
"""


def _files():
    return [(str(p.relative_to(FIXTURE.parent)), p.read_bytes()) for p in sorted(FIXTURE.rglob("*.rb"))]


@pytest.fixture(scope="module")
def releases():
    v1 = extract_files(_files(), "toy_llm", "0.1.0", "c1")
    v2 = extract_files(_files() + [("lib/toy_llm/zz_v2.rb", V2_EXTRA)], "toy_llm", "0.2.0", "c2")
    return v1, v2


@pytest.fixture()
def toy_index(tmp_path, releases, monkeypatch):
    write_history(tmp_path / "toy_llm.json.gz", build_history("toy_llm", [(m, {}) for m in releases]))
    monkeypatch.setattr(history, "DATA_DIR", tmp_path)
    index._history.cache_clear()
    index._load.cache_clear()
    yield index.ManifestIndex.load
    index._history.cache_clear()
    index._load.cache_clear()


def _strip_locations(m):
    d = m.model_dump()
    for ns in d["namespaces"].values():
        ns["location"] = None
        for side in ("instance_methods", "singleton_methods"):
            for sig in ns[side].values():
                sig["location"] = None
    return d


def test_round_trip_each_release(tmp_path, releases):
    path = tmp_path / "h.json.gz"
    write_history(path, build_history("toy_llm", [(m, {"dep": "~> 1"}) for m in releases]))
    data = read_history(path)
    assert [v["version"] for v in data["versions"]] == ["0.1.0", "0.2.0"]
    assert data["versions"][1] == {"version": "0.2.0", "commit": "c2", "deps": {"dep": "~> 1"}}
    calls = build_call_history("toy_llm", [(m, {"dep": "~> 1"}) for m in releases])  # beside it, same releases
    for m in releases:
        assert _strip_locations(manifest_at(data, m.version, calls)) == _strip_locations(m)


def test_signature_variants_are_stored_once_per_change(tmp_path, releases):
    data = build_history("toy_llm", [(m, {}) for m in releases])
    embed = data["namespaces"]["ToyLLM::Embedding"]["s"]["embed"]
    assert [mask for mask, _ in embed] == [0b01, 0b10]
    assert data["namespaces"]["ToyLLM::Chat"]["i"]["ask"][0][0] == 0b11
    assert data["namespaces"]["ToyLLM::Chat"]["i"]["with_schema"][0][0] == 0b10


def test_bad_history_file_is_a_clear_error(tmp_path):
    with pytest.raises(FileNotFoundError, match="generate"):
        read_history(tmp_path / "missing.json.gz")


def kinds(sig):
    return [(p.kind, p.name) for p in sig.params]


def test_forwarders_take_the_target_signature(toy_index):
    idx = toy_index("0.1.0", gem="toy_llm")
    chat = idx.find_method("ToyLLM", "chat", singleton=True)
    assert chat.forwards_to == "ToyLLM::Chat.new"
    assert kinds(chat) == [("key", "model"), ("key", "provider"), ("block", "on_ready")]
    embed = idx.find_method("ToyLLM", "embed", singleton=True)
    assert kinds(embed) == [("req", "text"), ("key", "model"), ("key", "dimensions")]
    assert ("key", "batch") in kinds(toy_index("0.2.0", gem="toy_llm").find_method("ToyLLM", "embed", singleton=True))


def test_inheritance_new_and_core_mixins(toy_index):
    idx = toy_index("0.1.0", gem="toy_llm")
    content = idx.find_method("ToyLLM::Chunk", "content")
    assert content.owner == "ToyLLM::Message" and content.origin == "attr_reader"
    assert kinds(idx.find_method("ToyLLM::Chunk", "new", singleton=True)) == [("key", "content")]
    assert idx.return_type("ToyLLM::Chunk", "new", singleton=True) == "ToyLLM::Chunk"
    assert idx.find_method("ToyLLM::Message", "between?").owner == "Comparable"
    assert idx.find_method("ToyLLM::Chat", "each_slice").owner == "Enumerable"
    assert idx.find_method("ToyLLM::Message", "each_slice") is None
    assert idx.find_method("ToyLLM::Chat", "invented_thing") is None
    assert idx.find_method("ToyLLM::Chat", "size").origin == "delegate"
    # `response` comes from ToyLLM::Error; StandardError itself is outside the gem
    assert idx.find_method("ToyLLM::RateLimitError", "response").owner == "ToyLLM::Error"


def test_visibility_reported(toy_index):
    idx = toy_index("0.1.0", gem="toy_llm")
    assert idx.find_method("ToyLLM::Chat", "internal", singleton=True).visibility == "private"
    assert idx.find_method("ToyLLM::Chat", "helper").visibility == "private"
    assert idx.find_method("ToyLLM::Helpers", "slugify", singleton=True).visibility == "public"
    assert idx.find_method("ToyLLM::Utils", "deep_merge").visibility == "private"
    assert "helper" not in idx.method_names("ToyLLM::Chat")
    assert "content" in idx.method_names("ToyLLM::Chunk")


def test_return_types_follow_calls_and_builders(toy_index):
    idx = toy_index("0.1.0", gem="toy_llm")
    assert idx.return_type("ToyLLM", "registry", singleton=True) == "ToyLLM::Registry"
    assert idx.return_type("ToyLLM::Chat", "last_message") == "ToyLLM::Message"
    assert idx.return_type("ToyLLM::Chat", "with_model") == "ToyLLM::Chat"
    assert idx.return_type("ToyLLM::Chat", "ask") == "ToyLLM::Message"  # via complete
    assert idx.return_type("ToyLLM::Chat", "helper") is None


def test_macro_namespace_resolves_through_to_llm(toy_index):
    idx = toy_index("0.1.0", gem="toy_llm")
    tools = idx.find_method(AAC, "with_tools")
    assert tools.owner == "ToyLLM::ActiveRecord::ChatMethods"
    assert kinds(tools) == [("rest", "tools"), ("key", "replace")]  # ChatMethods#to_llm -> ToyLLM.chat -> Chat
    assert idx.return_type(AAC, "with_tools") == AAC
    assert kinds(idx.find_method(AAC, "complete")) == [("block", "block")]
    # a delegate's builder returns the object delegated to; a forwarder that ends in `self` returns the model
    assert idx.return_type(AAC, "with_model") == "ToyLLM::Chat"
    assert idx.return_type(AAC, "complete") == "ToyLLM::Message"
    assert idx.return_type("ToyLLM::Tool", "owner_chat") == "ToyLLM::Chat"  # @owner_chat = chat || ToyLLM.chat
    assert idx.find_method(AAC, "messages").origin == "macro"


def test_versions_with(toy_index):
    idx = toy_index("0.2.0", gem="toy_llm")
    assert idx.versions_with_method("ToyLLM::Chat", "with_schema") == ["0.2.0"]
    assert idx.versions_with_method("ToyLLM::Chat", "ask") == ["0.1.0", "0.2.0"]
    assert idx.versions_with_constant("ToyLLM::TimeoutLike") == ["0.1.0", "0.2.0"]
    assert idx.config_options() == {
        "alpha_api_base", "alpha_api_key", "default_model", "legacy_key", "request_timeout", "write_only"}
    assert idx.resolve_constant("Error", ["ToyLLM", "ToyLLM::Agents"]) == "ToyLLM::Error"
    assert idx.resolve_constant("Base", ["ToyLLM", "ToyLLM::Agents"]) == "ToyLLM::Agents::Base"
    assert idx.resolve_constant("Base", ["ToyLLM"]) is None
