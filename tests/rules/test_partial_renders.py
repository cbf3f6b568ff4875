"""Locals of partials typed from every render that reaches them (static_checks/types/views.py).

A partial's local has a type only when every render of that partial in the app agrees on it: `render message`
(one record: the partial of its model), `render @messages`, an Array of records (`@chat.messages.last(2).each`),
`turbo_stream.append(.., partial:, locals:)`, a model's `broadcast_append_to(.., partial:, locals:)`, and the
views the type scan skipped. Renders that may reach the partial with something else leave it untyped.
"""

from tests.rules.test_view_ivars import BASE

RULE = "rubyllm/unknown-method"

SHOW = (
    "class ChatsController < ApplicationController\n"
    "  def show\n    @chat = Chat.find(params[:id])\n  end\nend\n"
)
# `message.deliver_now` exists on no RubyLLM message record: the finding proves `message` was typed.
MESSAGE_PARTIAL = "<p><%= message.content %></p>\n<p><%= message.deliver_now %></p>\n"
MESSAGE_PARTIAL_PATH = "app/views/messages/_message.html.erb"


def _app(files: dict[str, str]) -> dict[str, str]:
    return {**BASE, "app/controllers/chats_controller.rb": SHOW, MESSAGE_PARTIAL_PATH: MESSAGE_PARTIAL, **files}


def _partial_flagged(found) -> bool:
    return (MESSAGE_PARTIAL_PATH, 2, RULE) in found


def test_one_record_rendered_in_a_loop_types_the_partial(run_app):
    found = run_app(_app({
        "app/views/chats/show.html.erb": "<% @chat.messages.each do |message| %>\n  <%= render message %>\n<% end %>\n",
    }))
    assert _partial_flagged(found)


def test_records_loaded_into_an_array_type_the_partial(run_app):
    found = run_app(_app({
        "app/views/chats/show.html.erb": (
            "<% @chat.messages.last(2).each do |message| %>\n  <%= render message %>\n<% end %>\n"
        ),
    }))
    assert _partial_flagged(found)


def test_records_selected_with_a_block_stay_records(run_app):
    found = run_app(_app({
        "app/views/chats/show.html.erb": (
            "<% @chat.messages.select { |m| m.content.present? }.each do |message| %>\n"
            "  <%= render message %>\n<% end %>\n"
        ),
    }))
    assert _partial_flagged(found)


def test_records_of_another_plain_model_do_not_block_the_partial(run_app):
    found = run_app(_app({
        "app/models/todo.rb": "class Todo < ApplicationRecord\nend\n",
        "app/controllers/todos_controller.rb": (
            "class TodosController < ApplicationController\n  def index\n    @todos = Todo.order(:id)\n  end\nend\n"
        ),
        "app/views/todos/index.html.erb": "<% @todos.each do |todo| %>\n  <%= render todo %>\n<% end %>\n",
        "app/views/todos/_todo.html.erb": "<p><%= todo.title %></p>\n",
        "app/views/chats/show.html.erb": "<%= render @chat.messages %>\n",
    }))
    assert _partial_flagged(found)


def test_untyped_records_render_may_be_this_partials_and_leaves_it_untyped(run_app):
    found = run_app(_app({
        "app/views/chats/show.html.erb": "<%= render @chat.messages %>\n<%= render recent_items %>\n",
    }))
    assert not _partial_flagged(found)


def test_turbo_stream_with_partial_and_locals_must_agree(run_app):
    agreeing = run_app(_app({
        "app/views/chats/show.html.erb": "<%= render @chat.messages %>\n",
        "app/controllers/messages_controller.rb": (
            "class MessagesController < ApplicationController\n"
            "  def create\n    @message = Message.create!(role: 'user', content: params[:content])\n"
            "    render turbo_stream: turbo_stream.append('messages', partial: 'messages/message',"
            " locals: { message: @message })\n  end\nend\n"
        ),
    }))
    assert _partial_flagged(agreeing)
    disagreeing = run_app(_app({
        "app/views/chats/show.html.erb": "<%= render @chat.messages %>\n",
        "app/controllers/messages_controller.rb": (
            "class MessagesController < ApplicationController\n"
            "  def create\n    draft = Draft.build(params)\n"
            "    render turbo_stream: turbo_stream.append('messages', partial: 'messages/message',"
            " locals: { message: draft })\n  end\nend\n"
        ),
    }))
    assert not _partial_flagged(disagreeing)


def test_broadcast_from_a_model_passing_another_value_leaves_it_untyped(run_app):
    found = run_app(_app({
        "app/views/chats/show.html.erb": "<%= render @chat.messages %>\n",
        "app/models/notice.rb": (
            "class Notice < ApplicationRecord\n"
            "  after_create_commit do\n"
            "    broadcast_append_to 'feed', partial: 'messages/message', locals: { message: summary_card }\n"
            "  end\nend\n"
        ),
    }))
    assert not _partial_flagged(found)


def test_render_in_a_view_the_type_scan_skipped_still_counts(run_app):
    found = run_app(_app({
        "app/views/chats/show.html.erb": "<%= render @chat.messages %>\n",
        # names no typed class: not scanned for types, but it renders the partial with something else
        "app/views/pages/home.html.erb": '<%= render partial: "messages/message", locals: { message: banner } %>\n',
    }))
    assert not _partial_flagged(found)


def test_partial_named_by_a_helper_passes_only_its_locals(run_app):
    found = run_app(_app({
        "app/views/chats/show.html.erb": "<%= render @chat.messages %>\n",
        "app/views/messages/_tool.html.erb": "<%= render tool_result_partial(tool), tool: tool %>\n",
    }))
    assert _partial_flagged(found)


def test_interpolated_partial_name_passing_the_local_leaves_it_untyped(run_app):
    found = run_app(_app({
        "app/views/chats/show.html.erb": (
            "<%= render @chat.messages %>\n<%= render \"messages/#{kind}\", message: banner %>\n"
        ),
    }))
    assert not _partial_flagged(found)


def test_model_choosing_its_own_partial_path_is_not_followed(run_app):
    found = run_app(_app({
        "app/models/message.rb": (
            "class Message < ApplicationRecord\n  acts_as_message\n"
            "  def to_partial_path = 'messages/bubble'\nend\n"
        ),
        "app/views/chats/show.html.erb": "<%= render @chat.messages %>\n",
    }))
    assert not _partial_flagged(found)


def test_bare_partial_name_from_a_helper_counts_for_that_partial_in_any_folder(run_app):
    found = run_app(_app({
        "app/views/chats/show.html.erb": "<%= render @chat.messages %>\n",
        "app/helpers/cards_helper.rb": (
            "module CardsHelper\n  def card_for(item)\n    render partial: 'message', locals: { message: item }\n"
            "  end\nend\n"
        ),
    }))
    assert not _partial_flagged(found)
