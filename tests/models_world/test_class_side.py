"""The class side of acts_as models end to end: `Chat.x`, relations and association proxies of it, on small
Rails apps written here (concerns, scopes, enums, STI, dynamic finders, relation chains), through the engine."""

from __future__ import annotations

import textwrap
from pathlib import Path

from static_checks.engine import check_path

LOCK = """GEM
  remote: https://rubygems.org/
  specs:
    activerecord (7.1.3)
      activemodel (= 7.1.3)
      activesupport (= 7.1.3)
    activemodel (7.1.3)
      activesupport (= 7.1.3)
    activesupport (7.1.3)
    ruby_llm (1.14.1)
      faraday (>= 1.10.0)
    faraday (2.9.0)
{extra}
DEPENDENCIES
  ruby_llm
"""
APP_RECORD = "class ApplicationRecord < ActiveRecord::Base\n  primary_abstract_class\nend\n"
SCHEMA = """
ActiveRecord::Schema[7.1].define(version: 2024_05_01_120000) do
  create_table "chats", force: :cascade do |t|
    t.string "title"
    t.string "type"
    t.integer "status", default: 0
    t.references "user"
    t.string "model_id"
    t.timestamps
  end

  create_table "messages", force: :cascade do |t|
    t.references "chat", null: false
    t.string "role", null: false
    t.text "content"
    t.integer "input_tokens"
    t.timestamps
  end

  create_table "users", force: :cascade do |t|
    t.string "email_address", null: false
    t.timestamps
  end
end
"""
CONCERN = """
module Archivable
  extend ActiveSupport::Concern

  included do
    scope :archived, -> { where.not(archived_at: nil) }
  end

  class_methods do
    def archive_all_before(time)
      where(created_at: ...time).update_all(archived_at: Time.current)
    end
  end

  module ClassMethods
    def archive_policy = :soft
  end

  def archive! = update!(archived_at: Time.current)
end
"""
CHAT = """
class Chat < ApplicationRecord
  include Archivable
  acts_as_chat
  belongs_to :user
  enum :status, { active: 0, closed: 1 }, prefix: :state
  scope :recent, -> { order(created_at: :desc) }

  def self.for_user(user) = where(user: user)

  class << self
    def busiest = recent.first
  end
end
"""
MESSAGE = """
class Message < ApplicationRecord
  acts_as_message
  has_many :attachments_of_note, -> { where(kind: "note") }, class_name: "Note"
end
"""
USER = """
class User < ApplicationRecord
  has_many :chats, dependent: :destroy do
    def pinned = where(pinned: true)
  end
end
"""


def _check(tmp_path: Path, files: dict[str, str], extra_gems: str = "") -> list[tuple[str, int, str, str]]:
    (tmp_path / "Gemfile").write_text('source "https://rubygems.org"\ngem "rails"\ngem "ruby_llm"\n')
    (tmp_path / "Gemfile.lock").write_text(LOCK.format(extra=extra_gems))
    base = {"app/models/application_record.rb": APP_RECORD, "db/schema.rb": SCHEMA,
            "app/models/concerns/archivable.rb": CONCERN, "app/models/chat.rb": CHAT,
            "app/models/message.rb": MESSAGE, "app/models/user.rb": USER}
    for rel, text in {**base, **files}.items():
        path = tmp_path / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text).lstrip("\n"))
    report = check_path(tmp_path)
    return sorted((f.file, f.line, f.rule, f.severity.value) for f in report.findings
                  if f.rule.startswith("rubyllm/"))


VALID = """
class ChatsController < ApplicationController
  def index
    @chats = Chat.where(user: Current.user).recent.state_active.includes(:messages).limit(20)
    @count = Chat.for_user(Current.user).not_state_closed.count
    @statuses = Chat.statuses.keys
    @old = Chat.archived.archive_policy
    Chat.archive_all_before(1.week.ago)
    @top = Chat.busiest
    @mine = Chat.find_by_title_and_user_id(params[:title], Current.user.id)
    @first = Chat.find_by_model_id!(params[:model])
    @batch = Chat.in_batches(of: 50).each_record.map(&:id)
    @names = Chat.model_name.human
    @page = Chat.order(:id).find_each { |c| c.touch }
    Chat.transaction { Chat.create!(title: "x") }
    @sole = Chat.where(title: "x").sole
    @roles = Message.where(role: "user").pluck(:content)
    @lasts = Message.order(:created_at).last(3)
    Message.insert_all([{ role: "user", content: "hi" }])
    @pinned = Current.user.chats.pinned
    @built = Current.user.chats.build(title: "new").save!
    @untitled = Chat.where.not(title: nil).where.missing(:messages).count
  end
end
"""


def test_real_class_side_calls_are_not_flagged(tmp_path):
    assert _check(tmp_path, {"app/controllers/chats_controller.rb": VALID}) == []


INVENTED = """
class ReplyJob < ApplicationJob
  def perform(chat_id)
    chat = Chat.find(chat_id)
    Chat.send_message(chat_id, "hello")
    Chat.where(user_id: 1).invented_scope
    Message.stream_reply(chat)
    Chat.find_by_colour("red")
    Current.user.chats.summarize_all
  end
end
"""


def test_invented_class_side_calls_are_flagged_when_every_source_was_read(tmp_path):
    found = _check(tmp_path, {"app/jobs/reply_job.rb": INVENTED})
    assert found == [("app/jobs/reply_job.rb", line, "rubyllm/unknown-method", "error") for line in (4, 5, 6, 7, 8)]


def test_a_gem_that_extends_every_model_makes_class_calls_unverifiable(tmp_path):
    kaminari = ("    kaminari-activerecord (1.2.2)\n      activerecord\n      kaminari-core (= 1.2.2)\n"
                "    kaminari-core (1.2.2)\n")
    found = _check(tmp_path, {"app/jobs/reply_job.rb": INVENTED}, kaminari)
    # kaminari adds `page` to every model; what else such a gem adds we cannot list, so no call is proven
    assert found == [("app/jobs/reply_job.rb", line, "rubyllm/unverifiable-model-call", "info")
                     for line in (4, 5, 6, 7, 8)]


def test_without_a_schema_only_dynamic_finders_become_unverifiable(tmp_path):
    (tmp_path / "db").mkdir()
    found = _check(tmp_path, {"app/jobs/reply_job.rb": INVENTED, "db/schema.rb": "# not dumped yet\n"})
    assert found == [("app/jobs/reply_job.rb", 4, "rubyllm/unknown-method", "error"),
                     ("app/jobs/reply_job.rb", 5, "rubyllm/unknown-method", "error"),
                     ("app/jobs/reply_job.rb", 6, "rubyllm/unknown-method", "error"),
                     ("app/jobs/reply_job.rb", 7, "rubyllm/unverifiable-model-call", "info"),
                     ("app/jobs/reply_job.rb", 8, "rubyllm/unknown-method", "error")]


def test_concern_class_methods_are_class_methods_not_instance_methods(tmp_path):
    found = _check(tmp_path, {"app/jobs/archive_job.rb": """
        class ArchiveJob < ApplicationJob
          def perform(id)
            Chat.archive_all_before(1.day.ago)
            Chat.find(id).archive!
            Chat.find(id).archive_all_before(1.day.ago)
          end
        end
    """})
    assert found == [("app/jobs/archive_job.rb", 5, "rubyllm/unknown-method", "error")]


def test_single_table_inheritance_class_methods_follow_the_subclass_only(tmp_path):
    found = _check(tmp_path, {
        "app/models/urgent_chat.rb": """
            class UrgentChat < Chat
              scope :unanswered, -> { where(status: 0) }
              def self.escalate_all = unanswered.each(&:touch)
            end
        """,
        "app/jobs/escalate_job.rb": """
            class EscalateJob < ApplicationJob
              def perform
                UrgentChat.escalate_all
                UrgentChat.recent.unanswered.for_user(nil).to_a
                UrgentChat.find_by_title("x")
                Chat.escalate_all
              end
            end
        """,
    })
    assert found == [("app/jobs/escalate_job.rb", 6, "rubyllm/unknown-method", "error")]


def test_what_the_world_cannot_read_keeps_class_calls_unverifiable(tmp_path):
    chat = CHAT.replace("  acts_as_chat\n", "  acts_as_chat\n  extend Searchable::Finders\n")
    message = MESSAGE.replace("  acts_as_message\n", "  acts_as_message\n  searchkick word_start: [:content]\n")
    found = _check(tmp_path, {"app/models/chat.rb": chat, "app/models/message.rb": message,
                              "app/jobs/reply_job.rb": INVENTED})
    assert [(line, rule) for _, line, rule, _ in found] == [
        (4, "rubyllm/unverifiable-model-call"), (5, "rubyllm/unverifiable-model-call"),
        (6, "rubyllm/unverifiable-model-call"), (7, "rubyllm/unverifiable-model-call"),
        (8, "rubyllm/unverifiable-model-call")]


def test_app_modules_a_model_extends_are_read(tmp_path):
    chat = CHAT.replace("  acts_as_chat\n", "  acts_as_chat\n  extend Reporting\n")
    found = _check(tmp_path, {
        "app/models/chat.rb": chat,
        "app/models/concerns/reporting.rb": "module Reporting\n  def weekly_totals = group(:status).count\nend\n",
        "app/jobs/report_job.rb": """
            class ReportJob < ApplicationJob
              def perform
                Chat.weekly_totals
                Chat.monthly_totals
              end
            end
        """,
    })
    assert found == [("app/jobs/report_job.rb", 4, "rubyllm/unknown-method", "error")]


def test_receiverless_macros_in_a_model_body_are_never_flagged(tmp_path):
    chat = CHAT.replace("  acts_as_chat\n", "  acts_as_chat\n  broadcasts_refreshes\n  has_paper_trail\n")
    found = _check(tmp_path, {"app/models/chat.rb": chat})
    assert found == []


def test_app_code_that_extends_every_model(tmp_path):
    # a reopened ActiveRecord::Base is read like ApplicationRecord; an on_load hook is a gap we cannot list
    found = _check(tmp_path, {
        "lib/core_ext/active_record.rb": """
            module ActiveRecord
              class Base
                def self.random_pick = order("RANDOM()").first
              end
            end
        """,
        "app/jobs/pick_job.rb": """
            class PickJob < ApplicationJob
              def perform
                Chat.random_pick
                Chat.weighted_pick
              end
            end
        """,
    })
    assert found == [("app/jobs/pick_job.rb", 4, "rubyllm/unknown-method", "error")]
    hook = 'ActiveSupport.on_load(:active_record) do\n  extend FinderExtensions\nend\n'
    found = _check(tmp_path, {"config/initializers/finders.rb": hook})
    assert found == [("app/jobs/pick_job.rb", 4, "rubyllm/unverifiable-model-call", "info")]


def test_associations_a_concern_declares_in_included_are_the_models(tmp_path):
    user = "class User < ApplicationRecord\n  include Conversational\nend\n"
    concern = ("module Conversational\n  extend ActiveSupport::Concern\n\n  included do\n"
               "    has_many :chats, dependent: :destroy\n  end\nend\n")
    found = _check(tmp_path, {
        "app/models/user.rb": user,
        "app/models/concerns/conversational.rb": concern,
        "app/jobs/digest_job.rb": """
            class DigestJob < ApplicationJob
              def perform(user)
                user.chats.recent.limit(5).each(&:touch)
                Chat.transaction { user.chats.create!(title: "digest").ask("Summarize my week") }
                user.chats.digest_everything
              end
            end
        """,
    })
    # (the file names `Chat`: the inferer reads only files that name a RubyLLM-built class)
    assert found == [("app/jobs/digest_job.rb", 5, "rubyllm/unknown-method", "error")]


def test_a_relation_extended_by_the_app_is_not_a_closed_world(tmp_path):
    found = _check(tmp_path, {"app/jobs/page_job.rb": """
        class PageJob < ApplicationJob
          def perform(n)
            Chat.recent.extending(Paging).page_of(n)
          end
        end
    """})
    assert found == [("app/jobs/page_job.rb", 3, "rubyllm/unverifiable-model-call", "info")]


def test_a_file_that_reaches_chats_only_through_an_association_is_checked(tmp_path):
    # names no `Chat`: found through `has_many :chats` in User (and a concern's class_name: spelling)
    found = _check(tmp_path, {
        "app/models/user.rb": "class User < ApplicationRecord\n  has_many :conversations, class_name: \"Chat\"\nend\n",
        "app/controllers/messages_controller.rb": """
            class MessagesController < ApplicationController
              def create
                @chat = current_user.conversations.find(params[:chat_id])
                @chat.ask(params[:content])
                @chat.send_message(params[:content])
                current_user.conversations.summarize_all
              end
            end
        """,
    })
    assert found == [("app/controllers/messages_controller.rb", 5, "rubyllm/unknown-method", "error"),
                     ("app/controllers/messages_controller.rb", 6, "rubyllm/unknown-method", "error")]


def test_a_plain_module_with_an_included_hook(tmp_path):
    # the classic `def self.included(base) base.extend(ClassMethods)` is followed; the module's own
    # `def self.x` is not the model's; a hook doing anything else leaves the world open
    searchable = """
        module Searchable
          def self.included(base)
            base.extend(ClassMethods)
          end

          def self.tokenizer = :simple

          module ClassMethods
            def search(query) = where("title ILIKE ?", "%#{query}%")
          end
        end
    """
    chat = CHAT.replace("  acts_as_chat\n", "  acts_as_chat\n  include Searchable\n")
    job = """
        class SearchJob < ApplicationJob
          def perform(q)
            Chat.search(q).recent
            Chat.tokenizer
          end
        end
    """
    found = _check(tmp_path, {"app/models/concerns/searchable.rb": searchable, "app/models/chat.rb": chat,
                              "app/jobs/search_job.rb": job})
    assert found == [("app/jobs/search_job.rb", 4, "rubyllm/unknown-method", "error")]
    class_eval = "            base.class_eval { scope :hot, -> { recent } }\n"
    hooked = searchable.replace("base.extend(ClassMethods)\n", "base.extend(ClassMethods)\n" + class_eval)
    found = _check(tmp_path, {"app/models/concerns/searchable.rb": hooked, "app/models/chat.rb": chat,
                              "app/jobs/search_job.rb": job})
    assert found == [("app/jobs/search_job.rb", 4, "rubyllm/unverifiable-model-call", "info")]


def test_self_in_a_callback_block_is_a_record_not_the_class(tmp_path):
    callback = "  before_create do\n    self.model_id ||= \"gpt-4.1\"\n    self.title = title.presence\n  end\n"
    chat = CHAT.replace("  acts_as_chat\n", "  acts_as_chat message_class: \"Message\"\n" + callback)
    found = _check(tmp_path, {"app/models/chat.rb": chat, "app/jobs/purge_job.rb": """
        class PurgeJob < ApplicationJob
          def perform(id)
            chat = Chat.find(id)
            Message.where(id: chat.message_ids).delete_all
            chat.build_model
          end
        end
    """})
    assert found == []


def test_a_misspelt_scope_gets_a_hint_from_the_models_own_names(tmp_path):
    _check(tmp_path, {"app/jobs/recent_job.rb": """
        class RecentJob < ApplicationJob
          def perform = Chat.recnt.for_user(nil)
        end
    """})
    [finding] = [f for f in check_path(tmp_path).findings if f.rule == "rubyllm/unknown-method"]
    assert finding.line == 2 and "`recent`" in (finding.hint or "")
