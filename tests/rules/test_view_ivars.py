"""Records a controller hands to its views through instance variables.

`@messages = Message.where(..)` in MessagesController#index, then `@messages.each { |m| m.cost.to_f }` in
app/views/messages/index.html.erb: the view's `@messages` has the type the controller's own code sees
(static_checks/types/views.py), so a call no RubyLLM record has is reported there as it is in the controller.
Every source must be known and agree; otherwise the ivar stays untyped and nothing is reported.
"""

RULE = "rubyllm/unknown-method"

BASE = {
    "config/initializers/ruby_llm.rb": "RubyLLM.configure { |config| config.use_new_acts_as = true }\n",
    "db/schema.rb": (
        'ActiveRecord::Schema[8.0].define(version: 1) do\n'
        '  create_table "chats" do |t|\n    t.string "model_id"\n  end\n'
        '  create_table "messages" do |t|\n    t.integer "chat_id"\n    t.string "role"\n'
        '    t.text "content"\n    t.decimal "cost"\n  end\nend\n'
    ),
    "app/models/application_record.rb": "class ApplicationRecord < ActiveRecord::Base\n  primary_abstract_class\nend\n",
    "app/models/chat.rb": "class Chat < ApplicationRecord\n  acts_as_chat\nend\n",
    "app/models/message.rb": "class Message < ApplicationRecord\n  acts_as_message\nend\n",
    "app/controllers/application_controller.rb": "class ApplicationController < ActionController::Base\nend\n",
}

APP = {
    **BASE,
    "app/controllers/messages_controller.rb": (
        "class MessagesController < ApplicationController\n"
        "  def index\n"
        "    @messages = Message.where(role: 'assistant')\n"
        "    @messages.first.cost.to_f\n"  # reported: the controller's own local flow
        "  end\nend\n"
    ),
    "app/views/messages/index.html.erb": "<% @messages.each do |m| %>\n  <%= m.cost.to_f %>\n<% end %>\n",
}

# Uses of an acts_as_chat record no RubyLLM API has: `chat.send_message` is invented.
CHAT_VIEW = "<h1><%= @chat.model_id %></h1>\n<%= @chat.send_message('hi') %>\n"


def _with(files: dict[str, str]) -> dict[str, str]:
    return {**BASE, **files}


def test_controller_line_is_reported(run_app):
    assert ("app/controllers/messages_controller.rb", 4, RULE) in run_app(APP)


def test_view_line_is_reported(run_app):
    assert ("app/views/messages/index.html.erb", 2, RULE) in run_app(APP)


def test_other_template_formats_are_typed_too(run_app):
    files = {**APP, "app/views/messages/index.turbo_stream.erb": "<%= @messages.first.cost.to_f %>\n"}
    assert ("app/views/messages/index.turbo_stream.erb", 1, RULE) in run_app(files)


def test_namespaced_controller_feeds_its_folder(run_app):
    found = run_app(_with({
        "app/controllers/admin/chats_controller.rb": (
            "module Admin\n  class ChatsController < ApplicationController\n"
            "    def show\n      @chat = Chat.find(params[:id])\n    end\n  end\nend\n"
        ),
        "app/views/admin/chats/show.html.erb": CHAT_VIEW,
    }))
    assert ("app/views/admin/chats/show.html.erb", 2, RULE) in found
    assert not any(f == "app/views/admin/chats/show.html.erb" and line == 1 for f, line, _ in found)


def test_before_action_setter_with_only_types_the_view(run_app):
    found = run_app(_with({
        "app/controllers/chats_controller.rb": (
            "class ChatsController < ApplicationController\n"
            "  before_action :set_chat, only: [:show, :edit]\n"
            "  def show; end\n"
            "  def index\n    @chats = Chat.all\n  end\n"
            "  private\n"
            "  def set_chat\n    @chat = Chat.find(params[:id])\n  end\nend\n"
        ),
        "app/views/chats/show.html.erb": CHAT_VIEW,
        # index never runs set_chat: @chat is nil there, and a call on nil is not this rule's business
        "app/views/chats/index.html.erb": "<% @chats.each do |c| %><%= c.send_message('x') %><% end %>\n",
    }))
    assert ("app/views/chats/show.html.erb", 2, RULE) in found
    assert ("app/views/chats/index.html.erb", 1, RULE) in found


def test_setter_in_application_controller_reaches_the_view(run_app):
    found = run_app(_with({
        "app/controllers/application_controller.rb": (
            "class ApplicationController < ActionController::Base\n"
            "  before_action :load_chat\n"
            "  private\n  def load_chat\n    @chat = Chat.last\n  end\nend\n"
        ),
        "app/controllers/home_controller.rb": "class HomeController < ApplicationController\n  def index; end\nend\n",
        "app/views/home/index.html.erb": CHAT_VIEW,
    }))
    assert ("app/views/home/index.html.erb", 2, RULE) in found


def test_two_actions_rendering_one_view_that_disagree_leave_it_untyped(run_app):
    found = run_app(_with({
        "app/controllers/chats_controller.rb": (
            "class ChatsController < ApplicationController\n"
            "  def show\n    @chat = Chat.find(params[:id])\n  end\n"
            "  def preview\n    @chat = Draft.new(params[:text])\n    render :show\n  end\nend\n"
        ),
        "app/views/chats/show.html.erb": CHAT_VIEW,
    }))
    assert not any(f.startswith("app/views/") for f, _, _ in found)


def test_explicit_render_from_another_controller_must_agree(run_app):
    files = _with({
        "app/controllers/chats_controller.rb": (
            "class ChatsController < ApplicationController\n"
            "  def show\n    @chat = Chat.find(params[:id])\n  end\nend\n"
        ),
        "app/views/chats/show.html.erb": CHAT_VIEW,
    })
    assert ("app/views/chats/show.html.erb", 2, RULE) in run_app(files)
    files["app/controllers/drafts_controller.rb"] = (
        "class DraftsController < ApplicationController\n"
        "  def show\n    @chat = OpenStruct.new(model_id: 'x')\n    render 'chats/show'\n  end\nend\n"
    )
    assert not any(f.startswith("app/views/") for f, _, _ in run_app(files))


def test_computed_render_target_joins_every_view(run_app):
    found = run_app(_with({
        "app/controllers/chats_controller.rb": (
            "class ChatsController < ApplicationController\n"
            "  def show\n    @chat = Chat.find(params[:id])\n  end\nend\n"
        ),
        "app/controllers/pages_controller.rb": (
            "class PagesController < ApplicationController\n"
            "  def show\n    @chat = FakeChat.new\n    render params[:page]\n  end\nend\n"
        ),
        "app/views/chats/show.html.erb": CHAT_VIEW,
    }))
    assert not any(f.startswith("app/views/") for f, _, _ in found)


def test_view_without_controller_is_untyped(run_app):
    found = run_app(_with({
        "app/controllers/chats_controller.rb": (
            "class ChatsController < ApplicationController\n"
            "  def show\n    @chat = Chat.find(params[:id])\n  end\nend\n"
        ),
        # no ChatMailer/SharedController in the app: who renders these is unknown
        "app/views/chat_mailer/summary.html.erb": CHAT_VIEW,
        "app/views/shared/show.html.erb": CHAT_VIEW,
    }))
    assert not any(f.startswith("app/views/") for f, _, _ in found)


def test_controller_on_a_gem_base_is_untyped(run_app):
    # madmin/administrate-style: the gem's base controller sets @chat/@record for the app's views
    found = run_app(_with({
        "app/controllers/madmin/chats_controller.rb": (
            "module Madmin\n  class ChatsController < Madmin::ResourceController\n"
            "    def preview\n      @chat = Chat.first\n    end\n  end\nend\n"
        ),
        "app/views/madmin/chats/show.html.erb": CHAT_VIEW,
    }))
    assert not any(f.startswith("app/views/") for f, _, _ in found)


def test_ivar_never_set_by_the_controller_is_untyped(run_app):
    found = run_app(_with({
        "app/controllers/chats_controller.rb": "class ChatsController < ApplicationController\n  def show; end\nend\n",
        "app/views/chats/show.html.erb": CHAT_VIEW,
    }))
    assert not any(f.startswith("app/views/") for f, _, _ in found)


def test_helper_assigning_the_ivar_must_agree(run_app):
    files = _with({
        "app/controllers/chats_controller.rb": (
            "class ChatsController < ApplicationController\n"
            "  def show\n    @chat = Chat.find(params[:id])\n  end\nend\n"
        ),
        "app/helpers/chats_helper.rb": "module ChatsHelper\n  def demo_chat\n    @chat = DemoChat.new\n  end\nend\n",
        "app/views/chats/show.html.erb": CHAT_VIEW,
    })
    assert not any(f.startswith("app/views/") for f, _, _ in run_app(files))


SHOW_CONTROLLER = (
    "class ChatsController < ApplicationController\n"
    "  def show\n    @chat = Chat.find(params[:id])\n    @messages = @chat.messages\n  end\nend\n"
)
PARTIAL = "<div><%= chat.model_id %> <%= chat.send_message('hi') %></div>\n"


def test_partial_local_from_locals_hash(run_app):
    found = run_app(_with({
        "app/controllers/chats_controller.rb": SHOW_CONTROLLER,
        "app/views/chats/show.html.erb": '<%= render partial: "summary", locals: { chat: @chat } %>\n',
        "app/views/chats/_summary.html.erb": PARTIAL,
    }))
    assert ("app/views/chats/_summary.html.erb", 1, RULE) in found


def test_partial_local_from_shorthand_in_another_folder(run_app):
    found = run_app(_with({
        "app/controllers/chats_controller.rb": SHOW_CONTROLLER,
        "app/views/chats/show.html.erb": '<%= render "shared/summary", chat: @chat %>\n',
        "app/views/shared/_summary.html.erb": PARTIAL,
    }))
    assert ("app/views/shared/_summary.html.erb", 1, RULE) in found


def test_partial_local_some_render_does_not_pass_is_untyped(run_app):
    found = run_app(_with({
        "app/controllers/chats_controller.rb": SHOW_CONTROLLER,
        "app/views/chats/show.html.erb": (
            '<%= render "summary", chat: @chat %>\n<%= render "summary", title: "x" %>\n'
        ),
        "app/views/chats/_summary.html.erb": PARTIAL,
    }))
    assert not any(f.endswith("_summary.html.erb") for f, _, _ in found)


def test_partial_local_renders_disagreeing_is_untyped(run_app):
    found = run_app(_with({
        "app/controllers/chats_controller.rb": SHOW_CONTROLLER,
        "app/views/chats/show.html.erb": (
            '<%= render "summary", chat: @chat %>\n<%= render "summary", chat: Draft.new %>\n'
        ),
        "app/views/chats/_summary.html.erb": PARTIAL,
    }))
    assert not any(f.endswith("_summary.html.erb") for f, _, _ in found)


def test_partial_rendered_from_an_unscanned_view_is_untyped(run_app):
    found = run_app(_with({
        "app/controllers/chats_controller.rb": SHOW_CONTROLLER,
        "app/views/chats/show.html.erb": '<%= render "shared/summary", chat: @chat %>\n',
        # a view of a controller naming nothing typed: not scanned, but it renders the partial too
        "app/controllers/pages_controller.rb": "class PagesController < ApplicationController\n  def home; end\nend\n",
        "app/views/pages/home.html.erb": '<%= render "shared/summary", chat: draft %>\n',
        "app/views/shared/_summary.html.erb": PARTIAL,
    }))
    assert not any(f.endswith("_summary.html.erb") for f, _, _ in found)


def test_collection_render_gives_each_record(run_app):
    found = run_app(_with({
        "app/controllers/chats_controller.rb": SHOW_CONTROLLER,
        "app/views/chats/show.html.erb": "<%= render @messages %>\n",
        "app/views/messages/_message.html.erb": "<p><%= message.role %> <%= message.cost.to_f %></p>\n",
    }))
    assert ("app/views/messages/_message.html.erb", 1, RULE) in found
    assert ("app/views/chats/show.html.erb", 1, RULE) not in found


def test_partial_without_locals_keeps_helpers_untyped(run_app):
    found = run_app(_with({
        "app/controllers/chats_controller.rb": SHOW_CONTROLLER,
        "app/views/chats/show.html.erb": '<%= render "summary", chat: @chat %>\n',
        "app/views/chats/_summary.html.erb": "<%= current_user.send_message('x') %>\n<%= chat.model_id %>\n",
    }))
    assert not any(f.endswith("_summary.html.erb") for f, _, _ in found)


def test_an_inferer_and_its_view_model_form_no_cycle():
    """The view model is handed the inferer per question: dropping the inferer frees it (and what it holds)
    at once, not at the next full garbage collection."""
    import gc
    import weakref

    from static_checks.manifest.index import ManifestIndex
    from static_checks.parsing import parse_ruby
    from static_checks.types import Inferer, build_project

    files = [parse_ruby(rel, src.encode()) for rel, src in APP.items() if rel.endswith(".rb")]
    project = build_project(files, ManifestIndex.load("1.16.0"))
    infer = Inferer(project, project.index)
    views = infer._view_model()
    assert views.by_folder  # built from the project's controllers
    gone = weakref.ref(infer)
    gc.disable()
    try:
        del infer
        assert gone() is None
    finally:
        gc.enable()
