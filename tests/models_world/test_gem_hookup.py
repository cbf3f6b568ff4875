"""An app that hooks the gem into ActiveRecord by hand (no railtie: a bot on bare ActiveRecord, or an
initializer) still gets closed model worlds; anything else in the hook leaves them open."""

from __future__ import annotations

import textwrap
from pathlib import Path

from static_checks.engine import check_path

LOCK = """GEM
  remote: https://rubygems.org/
  specs:
    activerecord (7.1.3)
    ruby_llm (1.8.2)

DEPENDENCIES
  activerecord
  ruby_llm
"""
SCHEMA = """
ActiveRecord::Schema[7.1].define(version: 2024_05_02_000000) do
  create_table "chats" do |t|
    t.string "model_id"
    t.bigint "telegram_chat_id"
    t.string "customer_name"
  end
  create_table "messages" do |t|
    t.bigint "chat_id"
    t.string "role"
    t.text "content"
  end
end
"""
APP = {
    "app/models/application_record.rb": "class ApplicationRecord < ActiveRecord::Base\n  self.abstract_class = true\n"
                                        "end\n",
    "app/models/chat.rb": "class Chat < ApplicationRecord\n  acts_as_chat\nend\n",
    "app/models/message.rb": "class Message < ApplicationRecord\n  acts_as_message\nend\n",
    "db/schema.rb": SCHEMA,
    "lib/support_desk.rb": """
        class SupportDesk
          def greeting_for(telegram_id)
            chat = Chat.find_by!(telegram_chat_id: telegram_id)
            name = chat.customer_name
            "Hello #{name}, your last order ships on #{chat.customer_phone}"
          end
        end
    """,
}
REMOVED_COLUMN = ("lib/support_desk.rb", 5)  # chat.customer_phone: no column, no def


def _check(tmp_path: Path, hookup: dict[str, str]) -> list[tuple[str, int, str, str]]:
    (tmp_path / "Gemfile").write_text('source "https://rubygems.org"\ngem "activerecord"\ngem "ruby_llm"\n')
    (tmp_path / "Gemfile.lock").write_text(LOCK)
    for rel, text in {**APP, **hookup}.items():
        path = tmp_path / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text).lstrip("\n"))
    report = check_path(tmp_path)
    return [(f.file, f.line, f.rule, f.severity.value) for f in report.findings if f.rule.startswith("rubyllm/")]


def _verdict(found):
    assert [(f, line) for f, line, _, _ in found] == [REMOVED_COLUMN], found
    return found[0][2]


BOOT = """
require "active_record"
require "ruby_llm"
require "ruby_llm/active_record/acts_as"

RubyLLM.configure {{ |c| c.use_new_acts_as = true }}
{patch}
Dir[File.join(__dir__, "../app/models/*.rb")].each {{ |f| require f }}
"""


def test_the_gems_module_included_by_hand_keeps_the_world_closed(tmp_path):
    for patch in ("ActiveRecord::Base.include RubyLLM::ActiveRecord::ActsAs",
                  "::ActiveRecord::Base.include(::RubyLLM::ActiveRecord::ActsAs)",
                  "ActiveRecord::Base.send(:include, RubyLLM::ActiveRecord::ActsAsLegacy)"):
        found = _check(tmp_path, {"config/environment.rb": BOOT.format(patch=patch)})
        assert _verdict(found) == "rubyllm/unknown-method", patch


def test_an_on_load_hook_that_only_hooks_the_gem_keeps_the_world_closed(tmp_path):
    hook = """
        ActiveSupport.on_load(:active_record) do
          require "ruby_llm/active_record/acts_as"
          if RubyLLM.config.use_new_acts_as
            include RubyLLM::ActiveRecord::ActsAs
          else
            ::ActiveRecord::Base.include RubyLLM::ActiveRecord::ActsAsLegacy
          end
        end
    """
    found = _check(tmp_path, {"config/initializers/ruby_llm_records.rb": hook})
    assert _verdict(found) == "rubyllm/unknown-method"


def test_anything_else_beside_the_gems_module_leaves_it_unverifiable(tmp_path):
    for patch in ("ActiveRecord::Base.include RubyLLM::ActiveRecord::ActsAs, Searchable",
                  "ActiveRecord::Base.include RubyLLM::ActiveRecord::ChatMethods",
                  "ActiveRecord::Base.include RubyLLM::ActiveRecord::ActsAs\nActiveRecord::Base.extend Paging"):
        found = _check(tmp_path, {"config/environment.rb": BOOT.format(patch=patch)})
        assert _verdict(found) == "rubyllm/unverifiable-model-call", patch
    hook = """
        ActiveSupport.on_load(:active_record) do
          include RubyLLM::ActiveRecord::ActsAs
          include SoftDeletable
        end
    """
    found = _check(tmp_path, {"config/environment.rb": BOOT.format(patch=""),
                              "config/initializers/records.rb": hook})
    assert _verdict(found) == "rubyllm/unverifiable-model-call"


def test_the_gap_names_the_patch_that_is_not_the_gems(tmp_path):
    patch = "ActiveRecord::Base.include RubyLLM::ActiveRecord::ActsAs\nActiveRecord::Base.extend Paging"
    _check(tmp_path, {"config/environment.rb": BOOT.format(patch=patch)})
    report = check_path(tmp_path)
    info = next(f for f in report.findings if f.rule == "rubyllm/unverifiable-model-call")
    assert "config/environment.rb:7" in info.evidence, info.evidence


NESTED_HOOKS = {
    "a modifier inside the hook": """
        ActiveSupport.on_load(:active_record) do
          include RubyLLM::ActiveRecord::ActsAs if defined?(RubyLLM::ActiveRecord::ActsAs)
        end
    """,
    "a deferring block inside the hook": """
        ActiveSupport.on_load(:active_record) do
          Rails.application.config.after_initialize do
            ActiveRecord::Base.include RubyLLM::ActiveRecord::ActsAs
          end
        end
    """,
    "guards two levels deep, begin/rescue, next": """
        Rails.application.config.to_prepare do
          ActiveSupport.on_load(:active_record) do
            next unless defined?(RubyLLM)
            if defined?(RubyLLM::ActiveRecord)
              begin
                require "ruby_llm/active_record/acts_as"
                include RubyLLM::ActiveRecord::ActsAs
              rescue LoadError
                nil
              end
            end
          end
        end
    """,
}


def test_a_hook_up_nested_in_guards_and_deferring_blocks_keeps_the_world_closed(tmp_path):
    for label, hook in NESTED_HOOKS.items():
        found = _check(tmp_path, {"config/initializers/ruby_llm_records.rb": hook})
        assert _verdict(found) == "rubyllm/unknown-method", label


def test_anything_else_nested_in_the_hook_leaves_it_unverifiable(tmp_path):
    hooks = {
        "another module behind a guard": """
            Rails.application.config.after_initialize do
              ActiveSupport.on_load(:active_record) do
                include RubyLLM::ActiveRecord::ActsAs
                include SoftDeletable if defined?(SoftDeletable)
              end
            end
        """,
        "another module in a deferring block": """
            ActiveSupport.on_load(:active_record) do
              Rails.application.config.after_initialize do
                ActiveRecord::Base.include Paging
              end
            end
        """,
        "a block that is no deferral (it defines a method)": """
            ActiveSupport.on_load(:active_record) do
              define_method(:customer_phone) do
                include RubyLLM::ActiveRecord::ActsAs
              end
            end
        """,
    }
    for label, hook in hooks.items():
        found = _check(tmp_path, {"config/initializers/ruby_llm_records.rb": hook})
        assert _verdict(found) == "rubyllm/unverifiable-model-call", label
