"""Held-out causes: the gem's own RubyLLM::Agent DSL is the app's LLM path, and a title counts for
G8 only when it is the conversation's and written by code that runs."""

from __future__ import annotations

CHAT_MODELS = {
    "app/models/conversation.rb": "class Conversation < ApplicationRecord\n  acts_as_chat\nend\n",
    "app/models/note.rb": "class Note < ApplicationRecord\n  acts_as_message\nend\n",
}
AGENT = """class HelpDeskAgent < RubyLLM::Agent
  chat_model Conversation
  instructions "Answer in two sentences."
  tools LookupTool
end
"""
TOOL = """class LookupTool < RubyLLM::Tool
  description "Looks a word up"
  param :word
  def execute(word:) = word.upcase
end
"""
JOB = """class AnswerJob < ApplicationJob
  def perform(conversation_id, question)
    agent = HelpDeskAgent.find(conversation_id)
    agent.ask(question) do |piece|
      Turbo::StreamsChannel.broadcast_append_to("c", target: "answer", html: ERB::Util.html_escape(piece.content))
    end
  end
end
"""


def test_an_agent_found_by_id_is_the_stored_conversation_asked(repo_facts):
    f = repo_facts({**CHAT_MODELS, "app/agents/help_desk_agent.rb": AGENT, "app/tools/lookup_tool.rb": TOOL,
                    "app/jobs/answer_job.rb": JOB})
    assert f["rubyllm.ask"].value is True
    assert f["rubyllm.reads_content"].value is True
    assert f["rubyllm.multi_turn"].value == "persisted_chat"
    assert f["hotwire.streams_in_ask_block"].value is True
    assert f["errors.rescue_around_llm"].value == "none"  # a provider call exists, nothing rescues it
    assert f["arch.service_objects"].value == 1
    assert f["concurrency.hazard_count"].value == 1
    # the agent's declarations are the chat's system prompt and tools
    assert f["rubyllm.with_instructions"].value is True
    assert f["rubyllm.with_instructions"].evidence[0].file == "app/agents/help_desk_agent.rb"
    assert f["tools.registered"].value is True


def test_the_default_prompt_file_of_a_used_agent_is_its_instructions(repo_facts):
    bare = AGENT.replace('  instructions "Answer in two sentences."\n', "  instructions\n")
    files = {**CHAT_MODELS, "app/agents/help_desk_agent.rb": bare, "app/tools/lookup_tool.rb": TOOL,
             "app/jobs/answer_job.rb": JOB}
    assert repo_facts(files)["rubyllm.with_instructions"].value is False  # no prompt to load
    with_file = repo_facts({**files, "app/prompts/help_desk_agent/instructions.txt.erb": "Be kind.\n"})
    assert with_file["rubyllm.with_instructions"].value is True
    assert with_file["rubyllm.with_instructions"].evidence[0].file == "app/prompts/help_desk_agent/instructions.txt.erb"


def test_an_agent_nothing_uses_configures_nothing(repo_facts):
    f = repo_facts({**CHAT_MODELS, "app/agents/help_desk_agent.rb": AGENT, "app/tools/lookup_tool.rb": TOOL})
    assert f["rubyllm.with_instructions"].value is False
    assert f["tools.registered"].value is False


CHAT_TITLE = """class Conversation < ApplicationRecord
  acts_as_chat
  def name_after(text)
    update(title: text.truncate(30))
  end
end
"""


def test_a_title_counts_only_for_the_conversation_in_code_that_runs(repo_facts):
    todo_tool = ("class CreateTodoTool < RubyLLM::Tool\n  param :title\n"
                 "  def execute(title:)\n    Todo.create!(title: title, done: false)\n  end\nend\n")
    assert repo_facts({"app/tools/create_todo_tool.rb": todo_tool})["title.generated"].value is False
    # the conversation's own title writer, called only by a test
    only_tests = {"app/models/conversation.rb": CHAT_TITLE,
                  "test/models/conversation_test.rb": (
                      'class ConversationTest < ActiveSupport::TestCase\n  test "names" do\n'
                      '    Conversation.new.name_after("hello there")\n  end\nend\n')}
    assert repo_facts(only_tests)["title.generated"].value is False
    called = {**only_tests, "app/controllers/conversations_controller.rb": (
        "class ConversationsController < ApplicationController\n  def create\n"
        "    Conversation.create!.name_after(params[:text])\n  end\nend\n")}
    f = repo_facts(called)
    assert f["title.generated"].value is True
    assert f["title.generated"].evidence[0].file == "app/models/conversation.rb"


def test_a_used_agents_model_is_the_configured_model_and_an_idle_agents_is_not(repo_facts):
    idle = 'class SearchAgent < RubyLLM::Agent\n  chat_model Conversation\n  model "gpt-4o-mini"\nend\n'
    files = {**CHAT_MODELS, "app/agents/help_desk_agent.rb": AGENT, "app/tools/lookup_tool.rb": TOOL,
             "app/jobs/answer_job.rb": JOB, "app/agents/search_agent.rb": idle}
    assert repo_facts(files)["model.slug"].value is None
    pinned = AGENT.replace("  chat_model Conversation\n", '  chat_model Conversation\n  model "claude-sonnet-4-5"\n')
    f = repo_facts({**files, "app/agents/help_desk_agent.rb": pinned})
    assert f["model.slug"].value == "claude-sonnet-4-5"
    assert f["model.is_claude_sonnet"].value is True
