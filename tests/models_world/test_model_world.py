"""The model world end to end: a tiny Rails app on disk, the real engine, the findings it gives."""

from __future__ import annotations

import textwrap
from pathlib import Path

from static_checks.engine import check_path

LOCK = """GEM
  remote: https://rubygems.org/
  specs:
    activerecord (7.1.3)
    ruby_llm (1.14.1)

DEPENDENCIES
  ruby_llm
"""
APP_RECORD = "class ApplicationRecord < ActiveRecord::Base\n  self.abstract_class = true\nend\n"


def _check(tmp_path: Path, files: dict[str, str]) -> list[tuple[str, int, str, str]]:
    (tmp_path / "Gemfile").write_text('source "https://rubygems.org"\ngem "rails"\ngem "ruby_llm"\n')
    (tmp_path / "Gemfile.lock").write_text(LOCK)
    for rel, text in files.items():
        path = tmp_path / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text).lstrip("\n"))
    report = check_path(tmp_path)
    return [(f.file, f.line, f.rule, f.severity.value) for f in report.findings if f.rule.startswith("rubyllm/")]


JOB = """
class ReplyJob < ApplicationJob
  def perform(id)
    chat = Chat.find_by!(id: id)
    chat.archived_at_changed?
    chat.post_reply("hi")
  end
end
"""


def test_structure_sql_closes_the_world(tmp_path):
    found = _check(tmp_path, {
        "app/models/application_record.rb": APP_RECORD,
        "app/models/chat.rb": "class Chat < ApplicationRecord\n  acts_as_chat\nend\n",
        "db/structure.sql": "CREATE TABLE public.chats (\n    id bigint NOT NULL,\n"
                            "    archived_at timestamp without time zone\n);\n",
        "app/jobs/reply_job.rb": JOB,
    })
    assert found == [("app/jobs/reply_job.rb", 5, "rubyllm/unknown-method", "error")]


def test_a_table_missing_from_the_schema_leaves_it_unverifiable(tmp_path):
    found = _check(tmp_path, {
        "app/models/application_record.rb": APP_RECORD,
        "app/models/chat.rb": "class Chat < ApplicationRecord\n  acts_as_chat\nend\n",
        "db/schema.rb": 'ActiveRecord::Schema[7.1].define(version: 1) do\n  create_table "users" do |t|\n'
                        '    t.string "email"\n  end\nend\n',
        "app/jobs/reply_job.rb": JOB,
    })
    # the bare `archived_at_changed?` is a predicate, not a plain reader: reported too
    assert found == [("app/jobs/reply_job.rb", 4, "rubyllm/unverifiable-model-call", "info"),
                     ("app/jobs/reply_job.rb", 5, "rubyllm/unverifiable-model-call", "info")]


def test_single_table_inheritance_and_a_namespaced_table(tmp_path):
    found = _check(tmp_path, {
        "app/models/application_record.rb": APP_RECORD,
        "app/models/support.rb": "module Support\n  def self.table_name_prefix = \"support_\"\nend\n",
        "app/models/support/chat.rb": "module Support\n  class Chat < ApplicationRecord\n    acts_as_chat\n"
                                      "  end\nend\n",
        "app/models/support/urgent_chat.rb": "module Support\n  class UrgentChat < Chat\n    def urgent? = true\n"
                                             "  end\nend\n",
        "db/schema.rb": 'ActiveRecord::Schema[7.1].define(version: 1) do\n'
                        '  create_table "support_chats" do |t|\n    t.string "type"\n    t.datetime "archived_at"\n'
                        '  end\nend\n',
        "app/jobs/reply_job.rb": """
            class ReplyJob < ApplicationJob
              def perform(id)
                chat = Support::UrgentChat.find(id)
                chat.archived_at_changed?
                chat.urgent?
                chat.escalate!(1)
              end
            end
        """,
    })
    assert found == [("app/jobs/reply_job.rb", 6, "rubyllm/unknown-method", "error")]


def test_no_application_record_file_means_unverifiable(tmp_path):
    found = _check(tmp_path, {
        "app/models/chat.rb": "class Chat < ApplicationRecord\n  acts_as_chat\nend\n",
        "db/schema.rb": 'ActiveRecord::Schema[7.1].define(version: 1) do\n  create_table "chats" do |t|\n'
                        '    t.datetime "archived_at"\n  end\nend\n',
        "app/jobs/reply_job.rb": JOB,
    })
    assert found == [("app/jobs/reply_job.rb", 5, "rubyllm/unverifiable-model-call", "info")]


def test_a_records_builders_hand_back_the_same_record(tmp_path):
    # `with_instructions` on an acts_as record returns the record itself: its columns still answer after it
    found = _check(tmp_path, {
        "app/models/application_record.rb": APP_RECORD,
        "app/models/chat.rb": "class Chat < ApplicationRecord\n  acts_as_chat\nend\n",
        "db/schema.rb": 'ActiveRecord::Schema[7.1].define(version: 1) do\n  create_table "chats" do |t|\n'
                        '    t.string "title"\n  end\nend\n',
        "app/jobs/title_job.rb": """
            class TitleJob < ApplicationJob
              def perform(id)
                chat = Chat.find(id)
                chat.with_instructions("Name this chat").title
                chat.with_instructions("Name this chat").headline_text
              end
            end
        """,
    })
    assert found == [("app/jobs/title_job.rb", 5, "rubyllm/unknown-method", "error")]
