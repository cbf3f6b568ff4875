"""Receiver typing through resolve_receiver, on real parses and the real 1.16.0 manifest."""

from __future__ import annotations

import textwrap

import pytest

from static_checks.context import ProjectContext
from static_checks.manifest.index import ManifestIndex
from static_checks.models import AppRoot, VersionSource
from static_checks.parsing import parse_ruby
from static_checks.types import resolve_receiver
from static_checks.types.syntax import call_name


def _types(files: dict[str, str], version: str = "1.16.0") -> dict[tuple[str, int, str], str | None]:
    parsed = [parse_ruby(rel, textwrap.dedent(src).lstrip("\n").encode()) for rel, src in files.items()]
    root = AppRoot(path=".", ruby_llm_version=version, version_source=VersionSource.override)
    ctx = ProjectContext(root=root, files=parsed, index=ManifestIndex.load(version))
    out = {}
    for pf in parsed:
        stack = [pf.root]
        while stack:
            node = stack.pop()
            if node.type == "call":
                t = resolve_receiver(ctx, pf.rel, node)
                desc = None if t is None else (t.app_class or t.name) + (".class" if t.singleton else "")
                out[(pf.rel, node.start_point[0] + 1, call_name(node))] = desc
            stack.extend(node.named_children)
    return out


def test_module_locals_chains_and_blocks():
    t = _types({"a.rb": """
        chat = RubyLLM.chat(model: "x").with_temperature(0.2)
        reply = chat.ask("hi") { |chunk| chunk.content }
        reply.content.strip
        RubyLLM.configure { |config| config.default_model = "m" }
    """})
    assert t[("a.rb", 1, "with_temperature")] == "RubyLLM::Chat"
    assert t[("a.rb", 1, "chat")] == "RubyLLM.class"
    assert t[("a.rb", 2, "ask")] == "RubyLLM::Chat"
    assert t[("a.rb", 2, "content")] == "RubyLLM::Chunk"
    assert t[("a.rb", 3, "content")] == "RubyLLM::Message"
    assert t[("a.rb", 3, "strip")] is None  # content is a String or Content: typing stops
    assert t[("a.rb", 4, "default_model")] == "RubyLLM::Configuration"


def test_memoized_methods_ivars_and_self_calls():
    t = _types({"svc.rb": """
        class Svc
          def initialize = @llm = RubyLLM::Chat.new
          def chat = @chat ||= RubyLLM.chat
          def run
            chat.ask("a")
            self.chat.ask("b")
            @llm.ask("c")
            ask("d")
          end
          def ask(q) = q
        end
    """})
    assert t[("svc.rb", 5, "ask")] == "RubyLLM::Chat"
    assert t[("svc.rb", 6, "ask")] == "RubyLLM::Chat"
    assert t[("svc.rb", 7, "ask")] == "RubyLLM::Chat"
    assert t[("svc.rb", 8, "ask")] is None  # the app's own ask on an untyped self


def test_unknown_stays_unknown():
    t = _types({"x.rb": """
        class X
          def initialize(client) = @client = client
          def go
            @client.user("x")
            chat = pick ? RubyLLM.chat : OtherChat.new
            chat.user("y")
            other = "RubyLLM.chat"
            other.size
          end
        end
    """})
    assert t[("x.rb", 4, "user")] is None
    assert t[("x.rb", 6, "user")] is None
    assert t[("x.rb", 8, "size")] is None


@pytest.mark.parametrize("macro, namespace_part", [("acts_as_chat", "acts_as_chat"),
                                                    ("acts_as_message", "acts_as_message")])
def test_acts_as_models_and_their_finders(macro, namespace_part):
    t = _types({
        "app/models/thing.rb": f"class Thing < ApplicationRecord\n  {macro}\nend\n",
        "app/jobs/j.rb": "class J\n  def perform(id) = Thing.find(id).to_llm\nend\n",
    })
    assert t[("app/jobs/j.rb", 2, "to_llm")] == "Thing"


def test_tool_subclass_self_in_class_body_and_methods():
    t = _types({"t.rb": """
        class Weather < RubyLLM::Tool
          description "w"
          def execute = halt("x")
        end
    """})
    assert t[("t.rb", 2, "description")] == "Weather.class"
    assert t[("t.rb", 3, "halt")] == "Weather"


def test_lexical_lookup_prefers_the_gem_inside_module_rubyllm():
    t = _types({
        "app/models/message.rb": "class Message < ApplicationRecord\n  acts_as_message\nend\n",
        "lib/ext.rb": "module RubyLLM\n  def self.probe = Message.new.content\nend\nMessage.new.to_llm\n",
    })
    assert t[("lib/ext.rb", 2, "content")] == "RubyLLM::Message"
    assert t[("lib/ext.rb", 4, "to_llm")] == "Message"


def test_class_level_memo_reached_through_self_class():
    t = _types({"s.rb": """
        class Svc
          def self.llm = @llm ||= RubyLLM.chat
          def run = self.class.llm.ask("x")
        end
    """})
    assert t[("s.rb", 3, "ask")] == "RubyLLM::Chat"


def test_top_level_rubyllm_skips_an_app_namespace_of_the_same_name(run_app):
    found = run_app({"lib/acme/ruby_llm.rb": """
        module Acme
          module RubyLLM
            def self.hook = ::RubyLLM.subscribe(:x)
            def self.local = RubyLLM.subscribe(:x)
          end
        end
    """})
    # `::RubyLLM` is the gem (no subscribe); bare `RubyLLM` here is Acme::RubyLLM
    assert [(f[1], f[2]) for f in found] == [(3, "rubyllm/unknown-method")]
