"""RubyLLM usage, model slug and the invented-call facts, on small apps through the real engine."""

from __future__ import annotations

import pytest

from static_checks.facts.model_slug import judge, normalize


@pytest.mark.parametrize(
    "slug, verdict",
    [("anthropic/claude-sonnet-5", "latest"), ("~anthropic/claude-sonnet-latest", "latest"),
     ("claude-sonnet-4-5-20250929", "stale"), ("anthropic/claude-3.5-sonnet", "stale"),
     ("claude-3-5-sonnet-20241022", "stale"), ("anthropic/claude-sonnet-9", "unknown_slug"),
     ("openai/gpt-4o-mini", "stale"), ("meta-llama/llama-3-70b", "unknown_family"), (None, "missing")],
)
def test_slug_verdicts_as_of_the_data_date(slug, verdict):
    assert judge(slug)[0] == verdict


@pytest.mark.parametrize(
    "slug, as_of, verdict, latest",
    [("anthropic/claude-sonnet-4.5", "2026-01-10", "latest", "anthropic/claude-sonnet-4.5"),
     ("anthropic/claude-sonnet-4.5", "2026-04-20", "stale", "anthropic/claude-sonnet-4.6"),  # 4.6 out by 2026-04-04
     ("anthropic/claude-sonnet-4.6", "2026-04-20", "latest", "anthropic/claude-sonnet-4.6"),
     ("anthropic/claude-sonnet-4.6", "2026-07-01", "stale", "anthropic/claude-sonnet-5"),  # Sonnet 5: 2026-06-30
     ("anthropic/claude-sonnet-5", "2026-04-20", "unknown_slug", "anthropic/claude-sonnet-4.6")],
)
def test_latest_depends_on_the_build_date(slug, as_of, verdict, latest):
    got = judge(slug, as_of=as_of)
    assert (got[0], got[2]) == (verdict, latest)


def test_normalize_reads_dashes_as_dots_and_drops_suffixes():
    assert normalize("anthropic/claude-sonnet-4.5:thinking") == "claude-sonnet-4.5"
    assert normalize("claude-sonnet-4-0") == "claude-sonnet-4"


SERVICE = """class Chatter
  MODEL = "anthropic/claude-3.7-sonnet"

  def reply(text)
    chat = RubyLLM::Chat.new(model: MODEL)
    chat.ask(text).content
  end
end
"""


def test_chat_new_entry_with_constant_model(facts_for):
    f = facts_for({"app/services/chatter.rb": SERVICE})
    assert f["rubyllm.entry_points"] == ["RubyLLM::Chat.new"]
    assert f["rubyllm.ask"] is True and f["rubyllm.reads_content"] is True
    assert f["rubyllm.with_instructions"] is False
    assert f["rubyllm.multi_turn"] == "none"
    assert (f["model.slug"], f["model.verdict"], f["model.env_overridable"]) == (
        "anthropic/claude-3.7-sonnet", "stale", False)
    assert f["model.is_claude_sonnet"] is True


def test_env_override_with_or_default(full_facts_for):
    f = full_facts_for({"config/initializers/llm.rb": 'RubyLLM.configure do |c|\n'
                        '  c.default_model = ENV["CHAT_MODEL"].presence || "openai/gpt-5.1"\nend\n'})
    assert f["model.slug"].value == "openai/gpt-5.1"
    assert f["model.env_overridable"].value is True
    assert "CHAT_MODEL" in f["model.env_overridable"].note
    assert f["model.is_claude_sonnet"].value is False


def test_no_model_is_missing(facts_for):
    f = facts_for({"app/services/a.rb": "class A\n  def x = RubyLLM.chat.ask('hi')\nend\n"})
    assert f["model.slug"] is None and f["model.verdict"] == "missing"


def test_an_apps_own_ask_is_not_a_rubyllm_call(facts_for):
    f = facts_for({"app/services/survey.rb": "class Survey\n  def ask(q) = q\n  def run = ask('name?')\nend\n",
                   "app/services/bot.rb": "class Bot\n  def run(s) = s.ask('x').content\nend\n"})
    assert f["rubyllm.ask"] is False and f["rubyllm.reads_content"] is False
    assert f["rubyllm.used"] is False


def test_chat_kept_in_a_class_variable_is_reused(facts_for):
    f = facts_for({"app/services/sessions.rb": (
        "class Sessions\n  @@chats = {}\n  def self.for(id)\n    @@chats[id] ||= RubyLLM.chat\n  end\n"
        "  def self.say(id, text)\n    self.for(id).ask(text)\n  end\nend\n")})
    assert f["rubyllm.multi_turn"] == "reused_chat"
    assert f["persistence.class_variables"] == 1 and f["persistence.process_local_store"] is True


def test_acts_as_chat_is_a_persisted_chat(facts_for):
    f = facts_for({
        "app/models/chat.rb": "class Chat < ApplicationRecord\n  acts_as_chat\nend\n",
        "app/controllers/chats_controller.rb": (
            "class ChatsController < ApplicationController\n  def create\n"
            "    Chat.find(params[:id]).ask(params[:content])\n  end\nend\n"),
    })
    assert f["rubyllm.entry_points"] == ["acts_as_chat"]
    assert f["rubyllm.multi_turn"] == "persisted_chat"
    assert f["persistence.database"] is True and f["persistence.strategy"] == "database"


INVENTED = """class Bad
  def one(text)
    RubyLLM.chat(model: "anthropic/claude-sonnet-4.5", messages: [{ role: "user", content: text }])
  end

  def two(text)
    chat = RubyLLM.chat
    chat.user(text)
    chat.ask(text).text
  end
end
"""


def test_invented_calls_are_classified_from_real_findings(full_facts_for):
    f = full_facts_for({"app/services/bad.rb": INVENTED})
    kinds = f["rubyllm.invented_kinds"].value
    assert f["rubyllm.invented_calls"].value >= 3
    assert {"batch_messages", "fluent_role", "response_reader"} <= set(kinds)
    assert "entry_class" not in kinds
    assert {e.line for e in f["rubyllm.invented_calls"].evidence} >= {3, 8, 9}


def test_other_rejected_calls_and_inferred_version_drift(full_facts_for):
    wrong_kw = {"app/services/w.rb": "class W\n  def go(t) = RubyLLM.chat(temperature: 0.2).ask(t)\nend\n"}
    assert full_facts_for(wrong_kw)["rubyllm.invented_kinds"].value == ["other"]
    # with_thinking is 1.10+; `~> 1.6.0` only suggests 1.6.x, so it is drift, not a proven crash
    drift = {"Gemfile": 'source "https://rubygems.org"\ngem "ruby_llm", "~> 1.6.0"\n',
             "app/services/d.rb": "class D\n  def go(t) = RubyLLM.chat.with_thinking(effort: :low).ask(t)\nend\n"}
    assert full_facts_for(drift)["rubyllm.invented_kinds"].value == ["version_drift"]


def test_invented_calls_in_tests_are_mock_facts_not_app_facts(full_facts_for):
    f = full_facts_for({"test/services/bad_test.rb": (
        'require "test_helper"\nclass BadTest < ActiveSupport::TestCase\n'
        '  test "x" do\n    RubyLLM::Client.any_instance.stubs(:chat).returns("hi")\n  end\nend\n')})
    assert f["rubyllm.invented_calls"].value == 0
    assert f["tests.mock_invented_api"].value >= 1


def test_raw_http_to_the_provider_is_a_bypass(facts_for):
    f = facts_for({"app/services/raw.rb": (
        'class Raw\n  URL = "https://openrouter.ai/api/v1/chat/completions"\n'
        '  def call(body) = Net::HTTP.post(URI(URL), body)\nend\n')})
    assert f["rubyllm.bypass"] is True
    assert facts_for({"app/services/ok.rb": "class Ok\nend\n"})["rubyllm.bypass"] is False


def test_rubyllm_pointed_at_openrouter_is_no_bypass(facts_for):
    """A provider URL in RubyLLM's own configuration is the gem doing the work, not raw HTTP."""
    f = facts_for({
        "config/initializers/ruby_llm.rb": ('RubyLLM.configure do |c|\n  c.openai_api_key = ENV["OPENROUTER_API_KEY"]\n'
                                            '  c.openai_api_base = "https://openrouter.ai/api/v1"\nend\n'),
        "app/services/r.rb": "class R\n  def call(t) = RubyLLM.chat.ask(t).content\nend\n"})
    assert f["rubyllm.bypass"] is False


def test_a_declared_sdk_for_what_ruby_llm_cannot_do_is_no_bypass(facts_for):
    """With ruby_llm required, the bypass rule decides; the SDK gem in the Gemfile alone proves nothing."""
    gemfile = 'source "https://rubygems.org"\ngem "rails", "~> 8.1"\ngem "ruby_llm"\ngem "ruby-openai"\n'
    chat = "class R\n  def call(t) = RubyLLM.chat.ask(t).content\n"
    files_api = facts_for({"Gemfile": gemfile,
                           "app/services/r.rb": chat + "  def files = OpenAI::Client.new.files.list\nend\n"})
    assert files_api["rubyllm.bypass"] is False and files_api["gem.llm_alternatives"] == ["ruby-openai"]
    chat_api = facts_for({"Gemfile": gemfile, "app/services/r.rb": (
        chat + "  def raw(t) = OpenAI::Client.new.chat("
               "parameters: { messages: [{ role: 'user', content: t }] })\nend\n")})
    assert chat_api["rubyllm.bypass"] is True


def test_acts_as_chat_model_from_create(facts_for):
    f = facts_for({
        "app/models/chat.rb": "class Chat < ApplicationRecord\n  acts_as_chat\nend\n",
        "app/controllers/chats_controller.rb": (
            "class ChatsController < ApplicationController\n  def create\n"
            '    @chat = Chat.create!(model: ENV.fetch("MODEL", "anthropic/claude-sonnet-4"))\n  end\nend\n'),
    })
    assert (f["model.slug"], f["model.verdict"], f["model.env_overridable"]) == (
        "anthropic/claude-sonnet-4", "stale", True)


def test_with_model_block_form_is_its_own_kind(facts_for):
    f = facts_for({"app/services/w.rb":
                   "class W\n  def chat = RubyLLM::Chat.new.with_model { |c| c.temperature = 0.1 }\nend\n"})
    assert "with_model_block" in f["rubyllm.invented_kinds"]


def test_chat_memoized_on_a_singleton_is_reused(facts_for):
    svc = ("class Assistant\n  include Singleton\n  def chat\n    @chat ||= RubyLLM.chat\n  end\n"
           "  def reply(t) = chat.ask(t).content\nend\n")
    assert facts_for({"app/services/assistant.rb": svc})["rubyllm.multi_turn"] == "reused_chat"
    per_request = svc.replace("  include Singleton\n", "")
    assert facts_for({"app/services/assistant.rb": per_request})["rubyllm.multi_turn"] == "none"


def test_calls_unverifiable_against_a_git_ruby_llm_leave_invented_facts_unknown(tmp_path):
    """A git-sourced ruby_llm turns 'no release has it' into unverifiable infos: the invented-call
    facts are then undecided (their points pending), never a silent 'nothing invented'."""
    from facts_helpers import facts_of, write_app

    lock = ("GIT\n  remote: https://github.com/example/ruby_llm.git\n"
            "  revision: 0123456789abcdef0123456789abcdef01234567\n"
            "  branch: main\n  specs:\n    ruby_llm (1.16.0)\n\nGEM\n  remote: https://rubygems.org/\n  specs:\n"
            "    rails (8.0.0)\n\nDEPENDENCIES\n  ruby_llm!\n")
    files = {"Gemfile": 'source "https://rubygems.org"\ngem "rails"\ngem "ruby_llm", github: "example/ruby_llm"\n',
             "Gemfile.lock": lock,
             "app/services/flow.rb": "class Flow\n  def run = RubyLLM.render_template(:hi)\nend\n"}
    f = facts_of(write_app(tmp_path / "git", files))
    assert f["rubyllm.invented_calls"].value is None and f["rubyllm.invented_kinds"].value is None
    assert "unverifiable" in f["rubyllm.invented_calls"].note
    assert [(e.file, e.line) for e in f["rubyllm.invented_calls"].evidence] == [("app/services/flow.rb", 2)]
    # From rubygems the same call is a known invention.
    released = {**files, "Gemfile": 'source "https://rubygems.org"\ngem "rails"\ngem "ruby_llm", "1.16.0"\n',
                "Gemfile.lock": lock.split("\n\n", 1)[1].replace("    rails (8.0.0)", "    ruby_llm (1.16.0)")}
    g = facts_of(write_app(tmp_path / "gem", released))
    assert g["rubyllm.invented_calls"].value == 1
