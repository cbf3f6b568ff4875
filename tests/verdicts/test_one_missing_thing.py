"""Cause 4 (history in the request) and the report rules: one missing thing costs once, and the
report does not say 'turns share no conversation' beside 'history not bounded'."""

from __future__ import annotations

from verdict_helpers import scorecard

STORE = """class ChatHistory
  def initialize(id)
    @key = "chat:#{id}"
  end

  def messages = Rails.cache.read(@key) || []

  def append(role, content)
    Rails.cache.write(@key, messages + [{ role: role, content: content }])
  end
end
"""


def dim(card, dim_id):
    return next(d for d in card.dimensions if d.id == dim_id)


def test_history_pasted_into_the_prompt_is_multi_turn(repo_facts):
    replier = """class Replier
  def initialize(history)
    @history = history
  end

  def call(question)
    transcript = @history.messages.map { |m| "#{m[:role]}: #{m[:content]}" }.join("\\n")
    RubyLLM.chat.ask("#{transcript}\\nuser: #{question}").content
  end
end
"""
    f = repo_facts({"app/services/chat_history.rb": STORE, "app/services/replier.rb": replier})
    assert f["rubyllm.multi_turn"].value == "replayed_history"
    single = replier.replace('ask("#{transcript}\\nuser: #{question}")', "ask(question)")
    assert repo_facts({"app/services/chat_history.rb": STORE, "app/services/replier.rb": single}
                      )["rubyllm.multi_turn"].value == "none"


def test_a_local_named_messages_is_not_history(repo_facts):
    one_shot = """class OneShot
  def call(question)
    messages = [{ role: "user", content: question }]
    client = OpenAI::Client.new(access_token: ENV["OPENAI_API_KEY"])
    client.chat(parameters: { model: "gpt-4.1-mini", messages: messages })
  end
end
"""
    f = repo_facts({"Gemfile": 'source "https://rubygems.org"\ngem "rails"\ngem "ruby-openai"\n',
                    "app/services/one_shot.rb": one_shot}, skeleton=False)
    assert f["rubyllm.multi_turn"].value == "none"


def test_no_tools_and_no_store_cost_once(repo_facts):
    f = repo_facts({"app/services/replier.rb": (
        "class Replier\n  def call(q) = RubyLLM.chat.ask(q).content\nend\n")})
    card = scorecard(f, "rails-rubyllm-v2")
    assert [d.id for d in dim(card, "tools").deductions] == ["no_tools"]
    assert [d.id for d in dim(card, "persistence").deductions] == ["no_history_store"]


def test_no_rubyllm_and_no_tests_cost_once_in_v1(repo_facts):
    f = repo_facts({"app/controllers/pages_controller.rb": (
        "class PagesController < ApplicationController\n  def home\n  end\nend\n")})
    card = scorecard(f, "rails-rubyllm-v1")
    assert [d.id for d in dim(card, "rubyllm").deductions] == ["rubyllm_not_built"]
    assert [d.id for d in dim(card, "tests").deductions] == ["tests_not_built"]


def test_turns_sharing_no_conversation_are_not_also_an_unbounded_history(repo_facts):
    one_shot = """class AskJob < ApplicationJob
  def perform(question_id)
    question = Question.find(question_id)
    question.update!(answer: RubyLLM.chat.ask(question.body).content)
  end
end
"""
    f = repo_facts({"app/models/question.rb": "class Question < ApplicationRecord\nend\n",
                    "app/jobs/ask_job.rb": one_shot})
    assert f["rubyllm.multi_turn"].value == "none" and f["persistence.strategy"].value == "database"
    persistence = dim(scorecard(f, "rails-rubyllm-v2"), "persistence")
    assert [d.id for d in persistence.deductions] == ["no_conversation_history"]
