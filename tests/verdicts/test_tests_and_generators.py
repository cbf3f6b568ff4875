"""Causes 2 and 3: generator output earns nothing, and tests reach the LLM path by following calls."""

from __future__ import annotations

ROUTES = ("Rails.application.routes.draw do\n  resources :chats, only: [:show] do\n"
          "    resources :messages, only: [:create]\n  end\nend\n")
SERVICE = """class ReplyService
  def initialize(chat)
    @chat = chat
  end

  def reply(text)
    RubyLLM.chat.ask(text).content
  end
end
"""
CONTROLLER = """class MessagesController < ApplicationController
  def create
    answer = ReplyService.new(params[:chat_id]).reply(params[:content])
    render plain: answer
  end
end
"""
GENERATED_TEST = """require "test_helper"

class MessagesControllerTest < ActionDispatch::IntegrationTest
  test "should get create" do
    get messages_create_url
    assert_response :success
  end
end
"""
REAL_TEST = """require "test_helper"

class MessagesFlowTest < ActionDispatch::IntegrationTest
  test "posting a message answers it" do
    RubyLLM::Chat.any_instance.stubs(:ask).returns(RubyLLM::Message.new(role: :assistant, content: "hi"))
    post chat_messages_path(chat_id: 1), params: { content: "hello" }
    assert_response :success
  end
end
"""
BASE = {"config/routes.rb": ROUTES, "app/services/reply_service.rb": SERVICE,
        "app/controllers/messages_controller.rb": CONTROLLER}


def test_generator_test_with_a_route_that_does_not_exist_reaches_nothing(repo_facts):
    f = repo_facts({**BASE, "test/controllers/messages_controller_test.rb": GENERATED_TEST})
    assert f["tests.reach_llm_path"].value is False
    assert "MessagesController" in f["tests.untested_components"].value
    assert f["tests.count"].value == 0


def test_a_request_test_reaches_the_service_through_the_controller(repo_facts):
    f = repo_facts({**BASE, "test/integration/messages_flow_test.rb": REAL_TEST})
    assert f["tests.reach_llm_path"].value is True
    # the generator helper does exist when routes.rb has the generator's own route
    g = repo_facts({**BASE, "config/routes.rb": ROUTES.replace("draw do\n", 'draw do\n  get "messages/create"\n'),
                    "test/controllers/messages_controller_test.rb": GENERATED_TEST})
    assert g["tests.count"].value == 1


def test_a_test_of_a_class_off_the_llm_path_does_not_reach_it(repo_facts):
    other = "class Greeting\n  def text = \"hello\"\nend\n"
    test = ('require "test_helper"\n\nclass GreetingTest < ActiveSupport::TestCase\n'
            '  test "greets" do\n    assert_equal "hello", Greeting.new.text\n  end\nend\n')
    f = repo_facts({**BASE, "app/models/greeting.rb": other, "test/models/greeting_test.rb": test})
    assert f["tests.reach_llm_path"].value is False


def test_placeholder_and_devise_views_are_generator_output(repo_facts):
    f = repo_facts({
        "config/routes.rb": 'Rails.application.routes.draw do\n  get "pages/home"\nend\n',
        "app/controllers/pages_controller.rb": (
            "class PagesController < ApplicationController\n  def home\n  end\nend\n"),
        "app/views/pages/home.html.erb": "<h1>Pages#home</h1>\n<p>Find me in app/views/pages/home.html.erb</p>\n",
        "app/views/devise/shared/_links.html.erb": "<%= link_to \"Log in\", new_session_path(resource_name) %>\n",
    })
    assert f["app.views"].value == 0 and f["app.mvc_nontrivial"].value is False
    assert f["hotwire.partials"].value == 0


CHAT_MODEL = """class Chat < ApplicationRecord
  acts_as_chat

  def reply_later(text)
    AnswerJob.perform_later(id, text)
  end

  def reply_now(text)
    ask(text) { |chunk| broadcast_append_to(self, target: "answer", html: ERB::Util.html_escape(chunk.content)) }
  end

  def headline(text)
    update(title: text.truncate(20))
  end
end
"""
ANSWER_JOB = ("class AnswerJob < ApplicationJob\n  def perform(id, text)\n    Chat.find(id).reply_now(text)\n"
              "  end\nend\n")


def test_naming_the_chat_or_enqueuing_its_job_runs_no_llm_call(repo_facts):
    app = {"app/models/chat.rb": CHAT_MODEL, "app/jobs/answer_job.rb": ANSWER_JOB}

    def reach(body: str) -> bool:
        test = f'class ChatTest < ActiveSupport::TestCase\n  test "t" do\n    chat = Chat.create!\n{body}\n  end\nend\n'
        return repo_facts({**app, "test/models/chat_test.rb": test})["tests.reach_llm_path"].value

    assert reach('    chat.headline("a long first message")') is False
    assert reach('    assert_enqueued_with(job: AnswerJob) { chat.reply_later("hi") }') is False
    assert reach('    AnswerJob.perform_now(chat.id, "hi")') is True
    assert reach('    chat.reply_now("hi")') is True
    assert reach('    perform_enqueued_jobs { chat.reply_later("hi") }') is True


def test_counting_what_is_parsed_out_of_a_message_is_no_payload_test(repo_facts):
    def counted(line: str) -> bool:
        test = f'class ReplyTest < ActiveSupport::TestCase\n  test "t" do\n    {line}\n  end\nend\n'
        return repo_facts({"test/models/reply_test.rb": test})["tests.count_based_payload"].value

    assert counted("assert_equal 3, chat.messages.count") is True
    assert counted("assert_equal 2, sent[:messages].size") is True
    assert counted("assert_equal 3, reply_message.recommendations.count") is False
    assert counted("assert_equal 1, message_parts.first.links.length") is False


def test_a_scaffold_test_of_the_new_form_is_a_real_test(repo_facts):
    routes = "Rails.application.routes.draw do\n  resources :todos\nend\n"
    scaffold = ('class TodosControllerTest < ActionDispatch::IntegrationTest\n  test "should get new" do\n'
                "    get new_todo_url\n    assert_response :success\n  end\nend\n")
    controller = "class TodosController < ApplicationController\n  def new\n    @todo = Todo.new\n  end\nend\n"
    f = repo_facts({"config/routes.rb": routes, "app/controllers/todos_controller.rb": controller,
                    "test/controllers/todos_controller_test.rb": scaffold})
    assert f["tests.count"].value == 1
    # the controller generator's `todos_new_url` with no such route only errors
    generated = scaffold.replace("new_todo_url", "todos_new_url")
    g = repo_facts({"config/routes.rb": routes, "app/controllers/todos_controller.rb": controller,
                    "test/controllers/todos_controller_test.rb": generated})
    assert g["tests.count"].value == 0
