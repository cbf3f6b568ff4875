"""Causes 1, 10, 15, 16, 17: a rescue counts when it catches the provider failure on its way up,
the degraded UI is reached from that rescue, and a key preflight stops before the call in live code."""

from __future__ import annotations

BOT = """class AnswerBot
  def answer(question)
    RubyLLM.chat(model: "anthropic/claude-sonnet-4.5").ask(question).content
  end
end
"""
HANDLER = """class TurnHandler
  def initialize(chat)
    @chat = chat
  end

  def run(question)
    bot = AnswerBot.new
    reply = bot.answer(question)
    @chat.update!(last_reply: reply)
  end
end
"""


def job(rescue_clause: str) -> str:
    return f"""class AnswerJob < ApplicationJob
  def perform(chat_id, question)
    chat = Conversation.find(chat_id)
    TurnHandler.new(chat).run(question)
{rescue_clause}
  end
end
"""


TOAST = """  rescue RubyLLM::Error, Faraday::TimeoutError => e
    Turbo::StreamsChannel.broadcast_append_to(chat_id, target: "toasts", partial: "shared/toast",
                                              locals: { message: "The assistant is unavailable: #{e.message}" })"""


def test_rescue_three_calls_up_counts_and_shows_the_failure(repo_facts):
    f = repo_facts({"app/services/answer_bot.rb": BOT, "app/services/turn_handler.rb": HANDLER,
                    "app/jobs/answer_job.rb": job(TOAST)})
    assert f["errors.rescue_around_llm"].value == "all"
    assert any(e.file == "app/jobs/answer_job.rb" for e in f["errors.rescue_around_llm"].evidence)
    assert f["errors.degraded_ui"].value is True
    assert f["errors.degraded_ui"].evidence[0].file == "app/jobs/answer_job.rb"


def test_rescue_of_an_unrelated_class_does_not_protect_the_call(repo_facts):
    clause = "  rescue ActiveRecord::RecordNotFound\n    Rails.logger.warn(\"gone\")"
    f = repo_facts({"app/services/answer_bot.rb": BOT, "app/services/turn_handler.rb": HANDLER,
                    "app/jobs/answer_job.rb": job(clause)})
    assert f["errors.rescue_around_llm"].value == "none"
    assert f["errors.degraded_ui"].value is False


def test_log_and_reraise_is_no_rescue_unless_a_caller_catches(repo_facts):
    reraising = BOT.replace("  end\nend\n", "  rescue RubyLLM::Error => e\n    Rails.logger.error(e.message)\n"
                            "    raise\n  end\nend\n")
    bare = repo_facts({"app/services/answer_bot.rb": reraising, "app/services/turn_handler.rb": HANDLER,
                       "app/jobs/answer_job.rb": job("")})
    assert bare["errors.rescue_around_llm"].value == "none"
    caught = repo_facts({"app/services/answer_bot.rb": reraising, "app/services/turn_handler.rb": HANDLER,
                         "app/jobs/answer_job.rb": job(TOAST)})
    assert caught["errors.rescue_around_llm"].value == "all"


def test_alerts_devise_partials_and_error_views_are_no_degraded_ui(repo_facts):
    f = repo_facts({
        "app/services/answer_bot.rb": BOT,
        "app/controllers/sessions_controller.rb": (
            "class SessionsController < ApplicationController\n  def create\n"
            '    redirect_to new_session_path, alert: "Try another email address or password."\n  end\nend\n'),
        "app/views/devise/shared/_error_messages.html.erb": "<% if resource.errors.any? %><div>errors</div><% end %>\n",
        "app/views/errors/not_found.html.erb": "<h1>Not found</h1>\n",
    })
    assert f["errors.degraded_ui"].value is False


def test_rescue_returning_a_message_is_a_degraded_reply(repo_facts):
    fallback = '  rescue RubyLLM::Error\n    "Sorry, the assistant is unavailable right now."\n  end\nend\n'
    bot = BOT.replace("  end\nend\n", fallback)
    f = repo_facts({"app/services/answer_bot.rb": bot})
    assert f["errors.rescue_around_llm"].value == "all" and f["errors.degraded_ui"].value is True


def test_raw_http_provider_calls_are_llm_calls_for_the_rescue_fact(repo_facts):
    client = """require "net/http"

class OpenRouterClient
  URL = URI("https://openrouter.ai/api/v1/chat/completions")

  def complete(messages)
    Net::HTTP.post(URL, { model: "anthropic/claude-sonnet-4.5", messages: messages }.to_json,
                   "Authorization" => "Bearer #{ENV.fetch("OPENROUTER_API_KEY")}")
  end
end
"""
    f = repo_facts({"Gemfile": 'source "https://rubygems.org"\ngem "rails"\n',
                    "app/services/open_router_client.rb": client})
    assert f["errors.rescue_around_llm"].value == "none"
    assert f["errors.llm_calls"].value == 1


def test_key_preflight_must_stop_before_the_call_in_live_code(repo_facts):
    live = """class ChatsController < ApplicationController
  before_action :require_api_key

  def create
    render plain: AnswerBot.new.answer(params[:q])
  end

  private

  def require_api_key
    return if ENV["OPENROUTER_API_KEY"].present?

    flash.now[:alert] = "Set OPENROUTER_API_KEY to chat."
    render :missing_key, status: :service_unavailable
  end
end
"""
    assert repo_facts({"app/services/answer_bot.rb": BOT, "app/controllers/chats_controller.rb": live}
                      )["errors.missing_key_preflight"].value is True
    dead = live.replace("  before_action :require_api_key\n\n", "")
    assert repo_facts({"app/services/answer_bot.rb": BOT, "app/controllers/chats_controller.rb": dead}
                      )["errors.missing_key_preflight"].value is False
    logged = """class ChatsController < ApplicationController
  def create
    Rails.logger.info("key configured: #{ENV["OPENROUTER_API_KEY"].present?}")
    render plain: AnswerBot.new.answer(params[:q])
  end
end
"""
    assert repo_facts({"app/services/answer_bot.rb": BOT, "app/controllers/chats_controller.rb": logged}
                      )["errors.missing_key_preflight"].value is False


def test_a_failure_reply_written_into_the_shown_conversation_is_a_degraded_ui(repo_facts):
    chat = {"app/models/chat.rb": "class Chat < ApplicationRecord\n  acts_as_chat\nend\n"}
    reply_job = """class ReplyJob < ApplicationJob
  def perform(chat_id, text)
    chat = Chat.find(chat_id)
    chat.ask(text)
  rescue RubyLLM::Error
    chat.messages.create!(role: "assistant", content: "The assistant is unavailable, try again.")
  end
end
"""
    entry = ("class Entry < ApplicationRecord\n  belongs_to :chat\n"
             "  broadcasts_to ->(e) { [e.chat, :entries] }\nend\n")
    # the chat's messages (acts_as_message) are what its page shows
    message = "class Message < ApplicationRecord\n  acts_as_message\nend\n"
    f = repo_facts({**chat, "app/models/message.rb": message, "app/jobs/reply_job.rb": reply_job})
    assert f["errors.degraded_ui"].value is True
    assert f["errors.degraded_ui"].evidence[0].line == 6
    # a record that broadcasts itself reaches the page too; a log row nobody shows does not
    to_entries = reply_job.replace("chat.messages.create!(", "Entry.create!(chat: chat, ")
    assert repo_facts({**chat, "app/models/entry.rb": entry, "app/jobs/reply_job.rb": to_entries}
                      )["errors.degraded_ui"].value is True
    audit = "class FailureLog < ApplicationRecord\nend\n"
    to_log = reply_job.replace("chat.messages.create!(", "FailureLog.create!(")
    assert repo_facts({**chat, "app/models/failure_log.rb": audit, "app/jobs/reply_job.rb": to_log}
                      )["errors.degraded_ui"].value is False


def test_a_send_mixed_in_from_another_llm_gem_is_a_provider_call(repo_facts):
    gemfile = 'source "https://rubygems.org"\ngem "rails", "~> 8.1"\ngem "ruby_llm"\ngem "raix"\n'
    talker = ("class Talker\n  include Raix::ChatCompletion\n  def reply(text)\n    transcript << { user: text }\n"
              "    chat_completion(openai: \"gpt-4.1\")\n  end\nend\n")
    rescued_job = """class TalkJob < ApplicationJob
  def perform(text)
    Talker.new.reply(text)
  rescue => e
    Turbo::StreamsChannel.broadcast_append_to("talk", target: "log", html: ERB::Util.html_escape(e.message))
  end
end
"""
    f = repo_facts({"Gemfile": gemfile, "app/models/talker.rb": talker, "app/jobs/talk_job.rb": rescued_job})
    assert f["errors.llm_calls"].value == 1
    assert f["errors.rescue_around_llm"].value == "all"
    assert f["errors.degraded_ui"].value is True
    bare_job = "class TalkJob < ApplicationJob\n  def perform(text)\n    Talker.new.reply(text)\n  end\nend\n"
    g = repo_facts({"Gemfile": gemfile, "app/models/talker.rb": talker, "app/jobs/talk_job.rb": bare_job})
    assert g["errors.rescue_around_llm"].value == "none"
    # the same method name in a class that mixes in no LLM gem is no provider call
    plain = talker.replace("  include Raix::ChatCompletion\n", "")
    h = repo_facts({"Gemfile": gemfile, "app/models/talker.rb": plain, "app/jobs/talk_job.rb": bare_job})
    assert h["errors.llm_calls"].value == 0
