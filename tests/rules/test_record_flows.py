"""Receivers typed through Rails idioms the inferer used to drop (static_checks/types/infer.py).

- a model's makers yield the record they build: `Chat.find_or_create_by!(..) do |chat| .. end`;
- an ivar refined in place: `@chats = current_user.chats` then `@chats = @chats.where(..) if q`;
- a plain class building itself in a class method: `def self.context = new.context`.
Each shape has a negative twin where one source disagrees, which must leave the receiver untyped.
"""

from tests.rules.test_view_ivars import BASE

RULE = "rubyllm/unknown-method"


def test_block_of_find_or_create_by_gets_the_record(run_app):
    found = run_app({**BASE, "app/jobs/open_chat_job.rb": (
        "class OpenChatJob < ApplicationJob\n"
        "  def perform(phone)\n"
        "    Chat.find_or_create_by!(model_id: phone) do |chat|\n"
        "      chat.model_id = 'gpt-4o'\n"
        "      chat.send_message('hi')\n"
        "    end\n  end\nend\n"
    )})
    assert ("app/jobs/open_chat_job.rb", 5, RULE) in found
    assert ("app/jobs/open_chat_job.rb", 4, RULE) not in found  # a column writer is real


def test_block_of_an_app_defined_maker_is_not_the_record(run_app):
    found = run_app({**BASE,
                     "app/models/chat.rb": (
                         "class Chat < ApplicationRecord\n  acts_as_chat\n"
                         "  def self.find_or_create_by!(**attrs)\n    yield Draft.new(attrs)\n  end\nend\n"
                     ),
                     "app/jobs/open_chat_job.rb": (
                         "class OpenChatJob < ApplicationJob\n"
                         "  def perform(phone)\n"
                         "    Chat.find_or_create_by!(model_id: phone) do |chat|\n"
                         "      chat.send_message('hi')\n"
                         "    end\n  end\nend\n"
                     )})
    assert not any(f == "app/jobs/open_chat_job.rb" for f, _, _ in found)


CONTROLLER = (
    "class ChatsController < ApplicationController\n"
    "  def index\n"
    "    @chats = Chat.order(created_at: :desc)\n"
    "    @chats = @chats.where(model_id: params[:model]) if params[:model].present?\n"
    "    @chats.first.send_message('hi')\n"
    "  end\nend\n"
)


def test_ivar_refined_in_place_keeps_its_type(run_app):
    view = "<% @chats.each do |chat| %>\n<%= chat.summarize %>\n<% end %>\n"
    found = run_app({**BASE, "app/controllers/chats_controller.rb": CONTROLLER, "app/views/chats/index.html.erb": view})
    assert ("app/controllers/chats_controller.rb", 5, RULE) in found
    assert ("app/views/chats/index.html.erb", 2, RULE) in found


def test_ivar_turned_into_something_else_in_place_is_untyped(run_app):
    changed = CONTROLLER.replace("@chats.where(model_id: params[:model])", "@chats.map(&:to_h)")
    found = run_app({**BASE, "app/controllers/chats_controller.rb": changed})
    assert not any(f == "app/controllers/chats_controller.rb" for f, _, _ in found)


CONTEXT_CLASS = (
    "class LlmContext\n"
    "  attr_reader :context\n\n"
    "  def initialize(model: nil)\n"
    "    @context = RubyLLM.context { |config| config.default_model = model if model }\n"
    "  end\n\n"
    "  def self.context(**args)\n    new(**args).context\n  end\nend\n"
)
SERVICE = (
    "class Summarizer\n"
    "  def call(text)\n"
    "    LlmContext.context(model: \"gpt-4o\").chat.ask(text).summary_text\n"
    "  rescue RubyLLM::Error\n    nil\n"
    "  end\nend\n"
)


def test_new_inside_a_class_method_is_that_class(run_app):
    found = run_app({"config/initializers/llm_context.rb": CONTEXT_CLASS, "app/services/summarizer.rb": SERVICE})
    assert ("app/services/summarizer.rb", 3, RULE) in found


def test_new_inside_a_class_method_of_a_subclassed_class_is_untyped(run_app):
    subclass = "class FastContext < LlmContext\n  def context = :fast\nend\n"
    found = run_app({"config/initializers/llm_context.rb": CONTEXT_CLASS, "app/services/summarizer.rb": SERVICE,
                     "app/services/fast_context.rb": subclass})
    assert ("app/services/summarizer.rb", 3, RULE) not in found
