"""Causes 9 and 12: LLM text reaching raw HTML output, wherever it is inserted; the value is followed."""

from __future__ import annotations

MESSAGE_MODEL = """class Message < ApplicationRecord
  acts_as_message

  def stream_chunk(text)
    broadcast_append_to [chat, "messages"], target: "message_#{id}_body", html: text
  end
end
"""
JOB = """class StreamJob < ApplicationJob
  def perform(chat_id, prompt)
    chat = Chat.find(chat_id)
    reply = chat.messages.last
    chat.ask(prompt) { |chunk| reply.stream_chunk(chunk.content) }
  end
end
"""
CHAT = {"app/models/chat.rb": "class Chat < ApplicationRecord\n  acts_as_chat\nend\n"}


def test_broadcast_html_of_a_chunk_is_raw_llm_output(repo_facts):
    f = repo_facts({**CHAT, "app/models/message.rb": MESSAGE_MODEL, "app/jobs/stream_job.rb": JOB})
    assert f["security.unsafe_html_on_message"].value is True
    assert f["security.unsafe_html_on_message"].evidence[0].file == "app/models/message.rb"


def test_escaped_chunk_and_ids_in_markup_are_safe(repo_facts):
    markup = 'html: "<span id=\\"m-#{id}\\">#{ERB::Util.html_escape(text)}</span>"'
    escaped = MESSAGE_MODEL.replace("html: text", markup)
    f = repo_facts({**CHAT, "app/models/message.rb": escaped, "app/jobs/stream_job.rb": JOB})
    assert f["security.unsafe_html"].value == 1
    assert f["security.unsafe_html_on_message"].value is False


def test_a_broadcast_helper_nothing_calls_is_no_xss(repo_facts):
    f = repo_facts({**CHAT, "app/models/message.rb": MESSAGE_MODEL})
    assert f["security.unsafe_html_on_message"].value is False


def test_turbo_stream_html_in_a_controller(repo_facts):
    ctl = """class RepliesController < ApplicationController
  def create
    reply = RubyLLM.chat.ask(params[:q])
    render turbo_stream: turbo_stream.update("answer", html: reply.content)
  end
end
"""
    assert repo_facts({"app/controllers/replies_controller.rb": ctl})["security.unsafe_html_on_message"].value is True


def test_raw_erb_on_sanitized_text_or_a_fixed_hash_is_safe_but_on_content_is_not(repo_facts):
    safe = repo_facts({"app/views/messages/_message.html.erb": (
        "<div><%== sanitize(message.content, tags: %w[p b i]) %></div>\n"
        "<script><%== { theme: \"dark\", compact: true }.to_json %></script>\n")})
    assert safe["security.unsafe_html"].value == 2
    assert safe["security.unsafe_html_on_message"].value is False
    unsafe = repo_facts({"app/views/messages/_message.html.erb": "<div><%== message.content %></div>\n"})
    assert unsafe["security.unsafe_html_on_message"].value is True


def test_commonmarker_output_made_safe_holds_no_raw_html_but_redcarpet_does(repo_facts):
    helper = ("module ApplicationHelper\n  def markdown(text)\n"
              "    Commonmarker.parse(text, options: { parse: { smart: true } }).to_html.html_safe\n  end\nend\n")
    view = {"app/views/messages/_message.html.erb": "<div><%= markdown(message.content) %></div>\n"}
    safe = repo_facts({"app/helpers/application_helper.rb": helper, **view})
    assert safe["security.unsafe_html"].value == 1 and safe["security.unsafe_html_on_message"].value is False
    redcarpet = helper.replace("Commonmarker.parse(text, options: { parse: { smart: true } }).to_html",
                               "Redcarpet::Markdown.new(Redcarpet::Render::HTML).render(text)")
    assert repo_facts({"app/helpers/application_helper.rb": redcarpet, **view}
                      )["security.unsafe_html_on_message"].value is True


def test_a_redcarpet_renderer_built_to_filter_or_escape_html_is_safe(repo_facts):
    helper = ("module MessagesHelper\n  def rendered(text)\n"
              "    renderer = Redcarpet::Render::HTML.new(hard_wrap: true, filter_html: true)\n"
              "    Redcarpet::Markdown.new(renderer, tables: true).render(text).html_safe\n  end\nend\n")
    view = {"app/views/messages/_message.html.erb": "<div><%= rendered(message.content) %></div>\n"}
    files = {**CHAT, "app/models/message.rb": "class Message < ApplicationRecord\n  acts_as_message\nend\n", **view}
    def on_message(text: str) -> bool:
        return repo_facts({**files, "app/helpers/messages_helper.rb": text})["security.unsafe_html_on_message"].value

    assert on_message(helper) is False
    assert on_message(helper.replace("filter_html: true", "escape_html: true")) is False
    # the default renderer, or the option switched off, passes the model's HTML through
    assert on_message(helper.replace(", filter_html: true", "")) is True
    assert on_message(helper.replace("filter_html: true", "filter_html: false")) is True
