"""The sources of an ActiveRecord model's closed world, each read on Ruby/SQL written here."""

from __future__ import annotations

import json

import pytest

from static_checks.manifest.extract import extract_files
from static_checks.models_world import rails_api
from static_checks.models_world.declarations import Declared, read_body
from static_checks.models_world.generate import public_instance_api
from static_checks.models_world.schema import read_schema_rb, read_structure_sql
from static_checks.parsing import parse_ruby


def test_schema_rb_columns_ids_timestamps_and_references():
    pf = parse_ruby("db/schema.rb", b'''
ActiveRecord::Schema[7.2].define(version: 2024_01_01_000000) do
  create_table "chats", force: :cascade do |t|
    t.string "title", null: false
    t.references "owner", polymorphic: true
    t.belongs_to :model
    t.timestamps
    t.index ["title"]
  end

  create_table "tags", id: false do |t|
    t.string :name, :color
  end

  create_table "events", primary_key: "uuid" do |t|
    t.column "kind", :string
    t.send(:string, "weird")
  end
end
''')
    schema = read_schema_rb(pf)
    assert schema.columns["chats"] == {"id", "title", "owner_id", "owner_type", "model_id", "created_at",
                                       "updated_at"}
    assert schema.columns["tags"] == {"name", "color"}
    assert schema.columns["events"] >= {"uuid", "kind"} and "id" not in schema.columns["events"]
    assert schema.partial == {"events"}  # `t.send(...)` is a line we do not understand


def test_structure_sql_tables_and_columns():
    schema = read_structure_sql('''
CREATE TABLE public.chats (
    id bigint NOT NULL,
    "title" character varying,
    model_id bigint,
    created_at timestamp(6) without time zone NOT NULL,
    CONSTRAINT title_present CHECK ((title IS NOT NULL))
);

CREATE TABLE `messages` (
  `id` bigint NOT NULL AUTO_INCREMENT,
  `content` text,
  PRIMARY KEY (`id`),
  KEY `index_messages_on_chat_id` (`chat_id`)
);
''')
    assert schema.columns["chats"] == {"id", "title", "model_id", "created_at"}
    assert schema.columns["messages"] == {"id", "content"}
    assert not schema.partial


def _declared(source: str) -> Declared:
    pf = parse_ruby("app/models/x.rb", source.encode())
    out = Declared()
    read_body(pf, pf.root.named_children[0].child_by_field_name("body"), out, ["X"])
    return out


def test_rails_macros_give_the_methods_rails_generates():
    d = _declared('''
class X < ApplicationRecord
  belongs_to :account
  has_many :notes
  enum :mode, { casual: 0, strict: 1 }, suffix: true
  enum status: [:draft, :live], _prefix: :state
  store :settings, accessors: [:tone], prefix: true
  delegate :email, to: :account, prefix: :owner
  has_one_attached :avatar
  has_secure_password
  scope :recent, -> { order(:id) }
  validates :mode, presence: true
  after_create_commit :ping
  def ping = nil
end
''')
    assert {"account", "build_account", "create_account!", "reload_account", "notes", "note_ids=",
            "casual_mode?", "strict_mode!", "state_draft?", "state_live!", "settings_tone", "settings_tone=",
            "owner_email", "avatar", "avatar_attachment", "password=", "authenticate", "ping"} <= d.names
    assert d.scopes == {"recent"}
    assert not d.reasons


@pytest.mark.parametrize("line, reason", [
    ("include Discard::Model", None),  # recorded as an include; the world resolves it
    ("acts_as_taggable_on :labels", "acts_as_taggable_on"),
    ("ROLES.each { |r| define_method(\"#{r}?\") { role == r } }", "ROLES.each"),
    ("define_method(name) { 1 }", "computed name"),
    ("def method_missing(name, *args) = super", "method_missing"),
    ("enum :kind, KINDS", "cannot read"),
])
def test_what_may_define_unseen_methods_is_a_reason(line, reason):
    d = _declared(f"class X < ApplicationRecord\n  {line}\nend\n")
    if reason is None:
        assert d.includes and not d.reasons
    else:
        assert any(reason in r for r in d.reasons + d.instance_reasons), d.reasons


def test_public_instance_api_walks_includes_and_keeps_first_visibility():
    m = extract_files([("lib/ar.rb", b'''
module ActiveRecord
  module Persistence
    def save(**options) = true
    def destroy = self
    private
    def create_or_update = nil
  end
  module Callbacks
    include Persistence
    def destroy = super
  end
  class Base
    include Callbacks
    def initialize(attributes = nil) = nil
    private
    def secret = 1
  end
end
''')], "rails", "test")
    assert public_instance_api(m, "ActiveRecord::Base") == ["destroy", "save"]


def test_stored_rails_api_per_minor_and_gems():
    data = json.loads(rails_api.DATA.read_text())
    assert set(data["rails"]) >= {"6.1", "7.0", "7.1", "7.2", "8.0"}
    for minor, names in data["rails"].items():
        assert {"save", "update!", "destroy", "reload", "persisted?", "with_lock", "touch"} <= set(names), minor
        assert "send_message" not in names
    # added by Rails over time: the per-minor lists show it
    assert "previously_persisted?" not in data["rails"]["6.1"] and "previously_persisted?" in data["rails"]["7.0"]
    assert "run_callbacks" in data["runtime_listing"]  # defined at boot: only a real Ruby lists it
    api = rails_api.instance_api({"activerecord": "7.0.8", "turbo-rails": "2.0.0"})
    assert "broadcast_append_to" in api and "to_gid_param" in api and "strict_loading!" in api
    assert "broadcast_append_to" not in rails_api.instance_api({"activerecord": "7.0.8"})
    assert rails_api.instance_api(None) >= api  # no lock: every Rails, and turbo-rails
