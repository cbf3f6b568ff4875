"""Causes 4, 7, 8, 13: multi-turn through complete, service objects wherever the LLM access lives,
caps and TTLs only on the conversation store."""

from __future__ import annotations

ACTS_AS = {
    "app/models/chat.rb": "class Chat < ApplicationRecord\n  acts_as_chat\nend\n",
    "app/models/message.rb": "class Message < ApplicationRecord\n  acts_as_message\nend\n",
}
COMPLETE_JOB = """class ReplyJob < ApplicationJob
  def perform(chat_id)
    chat = Chat.find(chat_id)
    chat.complete do |chunk|
      Turbo::StreamsChannel.broadcast_append_to(chat, target: "reply", partial: "chunk", locals: { chunk: chunk })
    end
  end
end
"""


def test_complete_on_a_stored_chat_is_multi_turn(repo_facts):
    f = repo_facts({**ACTS_AS, "app/jobs/reply_job.rb": COMPLETE_JOB})
    assert f["rubyllm.multi_turn"].value == "persisted_chat"
    one_shot = COMPLETE_JOB.replace("chat = Chat.find(chat_id)\n    chat.complete",
                                    "chat = RubyLLM.chat\n    chat.ask(\"hi\")")
    assert repo_facts({"app/jobs/reply_job.rb": one_shot})["rubyllm.multi_turn"].value == "none"


def test_service_objects_are_classes_holding_the_llm_access_wherever_they_live(repo_facts):
    agent = "class ResearchAgent\n  def run(q)\n    RubyLLM.chat.ask(q).content\n  end\nend\n"
    f = repo_facts({"app/agents/research_agent.rb": agent})
    assert f["arch.service_objects"].value == 1
    assert f["arch.service_objects"].evidence[0].file == "app/agents/research_agent.rb"
    # a services folder whose classes never reach the model, and the call left in a controller
    g = repo_facts({
        "app/services/loader.rb": "class Loader\n  def show = :spinner\nend\n",
        "app/controllers/chats_controller.rb": (
            "class ChatsController < ApplicationController\n  def create\n"
            "    render plain: RubyLLM.chat.ask(params[:q]).content\n  end\nend\n"),
    })
    assert g["arch.service_objects"].value == 0


def test_a_views_last_n_is_no_cap_and_a_model_list_ttl_is_no_history_ttl(repo_facts):
    f = repo_facts({
        **ACTS_AS,
        "app/views/messages/create.turbo_stream.erb": (
            '<%= turbo_stream.append "messages" do %>\n'
            "  <% @chat.messages.last(2).each do |message| %>\n"
            '    <%= render "messages/message", message: message %>\n  <% end %>\n<% end %>\n'),
        "app/services/model_catalog.rb": (
            "class ModelCatalog\n  def self.all\n"
            '    Rails.cache.fetch("openrouter-models", expires_in: 12.hours) { RubyLLM.models.all.map(&:id) }\n'
            "  end\nend\n"),
    })
    assert f["persistence.cap"].value is False
    assert f["persistence.ttl"].value is False


def test_cap_and_ttl_on_the_cached_history_count(repo_facts):
    store = """class ConversationStore
  MAX_TURNS = 20

  def initialize(id)
    @key = "conversation:#{id}:messages"
  end

  def append(role, content)
    history = Rails.cache.read(@key) || []
    history = (history + [{ role: role, content: content }]).last(MAX_TURNS)
    Rails.cache.write(@key, history, expires_in: 2.hours)
  end
end
"""
    f = repo_facts({"app/services/conversation_store.rb": store})
    assert f["persistence.cap"].value is True and f["persistence.ttl"].value is True


def test_a_model_the_llm_path_never_touches_is_no_conversation_store(repo_facts):
    user = "class User < ApplicationRecord\n  devise :database_authenticatable\nend\n"
    ctl = ("class AnswersController < ApplicationController\n  def create\n"
           "    render plain: RubyLLM.chat.ask(params[:q]).content\n  end\nend\n")
    f = repo_facts({"app/models/user.rb": user, "app/controllers/answers_controller.rb": ctl})
    assert f["persistence.database"].value is False and f["persistence.strategy"].value == "none"
    kept = ctl.replace("    render plain: RubyLLM.chat.ask(params[:q]).content\n",
                       "    @conversation = Conversation.find(params[:id])\n"
                       "    reply = RubyLLM.chat.ask(params[:q]).content\n"
                       "    @conversation.turns.create!(role: \"assistant\", content: reply)\n")
    g = repo_facts({"app/models/user.rb": user, "app/controllers/answers_controller.rb": kept,
                    "app/models/conversation.rb": "class Conversation < ApplicationRecord\n  has_many :turns\nend\n"})
    assert g["persistence.strategy"].value == "database"
    assert [e.file for e in g["persistence.database"].evidence] == ["app/models/conversation.rb"]


def test_tailwind_counts_however_installed(repo_facts):
    vite = repo_facts({"package.json": '{"devDependencies": {"@tailwindcss/vite": "^4.1.0", "vite": "^6.0.0"}}\n'})
    assert vite["gem.tailwind"].value is True and "tailwind" not in vite["gems.missing_required"].value
    cdn = repo_facts({"app/views/layouts/application.html.erb": (
        '<html><head><script src="https://cdn.tailwindcss.com"></script></head><body><%= yield %></body></html>\n')})
    assert cdn["gem.tailwind"].value is True
    assert repo_facts({"package.json": '{"dependencies": {"bootstrap": "^5.3.0"}}\n'})["gem.tailwind"].value is False


def test_action_length_counts_code_lines(repo_facts):
    comments = "".join(f"    # step {i}: explain what happens here\n\n" for i in range(20))
    ctl = ("class ChatsController < ApplicationController\n  def create\n" + comments +
           "    render plain: \"ok\"\n  end\nend\n")
    f = repo_facts({"app/controllers/chats_controller.rb": ctl})
    assert f["arch.max_action_lines"].value == 3 and f["arch.long_actions"].value == []


def test_a_stored_reply_read_in_a_view_is_reading_content(repo_facts):
    files = {**ACTS_AS, "app/controllers/messages_controller.rb": (
        "class MessagesController < ApplicationController\n  def create\n"
        "    Chat.find(params[:chat_id]).ask(params[:content])\n    redirect_to chats_path\n  end\nend\n")}
    assert repo_facts(files)["rubyllm.reads_content"].value is False
    shown = {**files, "app/views/chats/_chat.html.erb": (
        "<% chat.messages.each do |message| %>\n  <p><%= message.content %></p>\n<% end %>\n")}
    f = repo_facts(shown)
    assert f["rubyllm.reads_content"].value is True
    assert f["rubyllm.reads_content"].evidence[0].file == "app/views/chats/_chat.html.erb"


def test_writing_a_self_broadcasting_record_in_the_ask_block_streams(repo_facts):
    message = ("class Message < ApplicationRecord\n  acts_as_message\n"
               "  broadcasts_to ->(m) { \"chat_#{m.chat_id}\" }\nend\n")
    job = """class ReplyJob < ApplicationJob
  def perform(chat_id, text)
    chat = Chat.find(chat_id)
    chat.ask(text) do |chunk|
      reply = chat.messages.last
      reply.update!(content: reply.content.to_s + chunk.content.to_s)
    end
  end
end
"""
    files = {**ACTS_AS, "app/models/message.rb": message, "app/jobs/reply_job.rb": job}
    f = repo_facts(files)
    assert f["hotwire.streams_in_ask_block"].value is True
    assert f["hotwire.streams_in_ask_block"].evidence[0].line == 6
    # the same write on a model that does not broadcast pushes nothing to the page
    quiet = repo_facts({**files, "app/models/message.rb": ACTS_AS["app/models/message.rb"]})
    assert quiet["hotwire.streams_in_ask_block"].value is False


def test_a_limit_on_something_else_is_no_cap_on_the_history(repo_facts):
    stack = ("class Stack < ApplicationRecord\n  TOOL_LIMIT = 20\n  has_many :tools\n"
             "  def add_tool(tool)\n    tools << tool if tools.count < TOOL_LIMIT\n  end\nend\n")
    store = ("class ChatStore\n  MAX_TURNS = 20\n  def add(history, turn)\n    history << turn\n"
             "    history.shift if history.size > MAX_TURNS\n    Rails.cache.write(\"h\", history)\n  end\nend\n")
    f = repo_facts({**ACTS_AS, "app/models/stack.rb": stack})
    assert f["persistence.cap"].value is False
    g = repo_facts({**ACTS_AS, "app/models/stack.rb": stack, "app/services/chat_store.rb": store})
    assert g["persistence.cap"].value is True
    assert {e.file for e in g["persistence.cap"].evidence} == {"app/services/chat_store.rb"}
