"""The class-side sources of the model world: the generator on Ruby written here, the stored class API
data, the class methods a model body declares, and the bundled gems that leave the class side open."""

from __future__ import annotations

import json
from pathlib import Path

from static_checks.manifest.extract import extract_files
from static_checks.models_world import rails_api
from static_checks.models_world.declarations import Declared, read_body
from static_checks.models_world.generate_class import public_class_api
from static_checks.parsing import parse_ruby

FAKE_RAILS = b'''
module ActiveSupport
  module Concern
  end
end
module ActiveRecord
  module Querying
    def find_by_sql(sql) = []
  end
  module Scoping
    extend ActiveSupport::Concern
    module ClassMethods
      def scope(name, body) = nil
      private
      def default_scope(scope = nil) = nil
    end
  end
  module Enum
    def enum(name, values = nil) = nil
  end
  module Attachable
    extend ActiveSupport::Concern
    class_methods do
      def has_one_attached(name) = nil
    end
  end
  class Base
    extend Querying
    extend Enum
    include Scoping
    def self.primary_abstract_class = nil
    def save = true
    class << self
      private
      def hidden_setup = nil
    end
  end
end
'''


def test_public_class_api_reads_extends_concern_class_methods_and_railtie_modules():
    m = extract_files([("activerecord/lib/fake.rb", FAKE_RAILS)], "rails", "test")
    api = public_class_api(m, "ActiveRecord::Base", ("ActiveRecord::Attachable",))
    assert api == ["enum", "find_by_sql", "has_one_attached", "primary_abstract_class", "scope"]
    # private class methods (default_scope) and instance methods (save) are not the class's public API
    assert "has_one_attached" not in public_class_api(m, "ActiveRecord::Base")


def test_stored_class_api_follows_the_rails_minor():
    data = json.loads(rails_api.CLASS_DATA.read_text())
    assert set(data["rails"]) >= {"6.1", "7.0", "7.1", "7.2", "8.0"}
    for minor, names in data["rails"].items():
        # the class, relation (QUERYING_METHODS delegated to `all`) and association proxy API
        assert {"find", "find_by", "where", "create!", "scope", "has_many", "transaction", "pluck", "find_each",
                "insert_all", "build", "<<", "human_attribute_name", "has_one_attached"} <= set(names), minor
        assert "default_scope" not in names  # private: `Chat.default_scope` raises NoMethodError
        assert "send_message" not in names and "page" not in names  # page is kaminari's
    # Rails' API docs: sole/find_sole_by arrive in 7.0, with_recursive in 7.2
    assert "sole" not in data["rails"]["6.1"] and "sole" in data["rails"]["7.0"]
    assert "with_recursive" not in data["rails"]["7.1"] and "with_recursive" in data["rails"]["7.2"]
    assert {"map", "each_slice", "new", "presence"} <= set(data["runtime_listing"])  # Enumerable, Class, AS
    assert "broadcasts_to" in rails_api.class_api({"activerecord": "8.0.2", "turbo-rails": "2.0.11"})
    assert "broadcasts_to" not in rails_api.class_api({"activerecord": "8.0.2"})


def _declared(source: str) -> Declared:
    pf = parse_ruby("app/models/x.rb", source.encode())
    cls = next(c for c in pf.root.named_children if c.type in ("class", "module"))
    d = Declared(module_body=cls.type == "module")
    read_body(pf, cls.child_by_field_name("body"), d, [])
    return d


def test_class_methods_a_model_body_declares():
    d = _declared('''
class Chat < ApplicationRecord
  enum :status, { active: 0, closed: 1 }, suffix: true
  enum kind: [:direct, :group]
  has_one_attached :avatar
  has_rich_text :summary
  class_attribute :default_model, instance_writer: false
  def self.for_user(user) = where(user: user)
  class << self
    def busiest = first
    delegate :recent_count, to: :stats
    attr_accessor :import_batch
    include Reports
  end
  extend Searching
end
''')
    assert d.class_names >= {"statuses", "active_status", "not_active_status", "closed_status", "kinds", "direct",
                             "not_group", "with_attached_avatar", "with_rich_text_summary", "default_model",
                             "default_model=", "default_model?", "for_user", "busiest", "recent_count",
                             "import_batch", "import_batch="}
    assert [w for w, _ in d.extends] == ["Reports", "Searching"]
    assert "for_user" not in d.names and "busiest" not in d.names  # class methods are not instance methods
    assert not d.reasons and not d.class_reasons


def test_concern_class_methods_block_and_its_own_extend():
    d = _declared('''
module Archivable
  extend ActiveSupport::Concern
  included do
    scope :archived, -> { where.not(archived_at: nil) }
    extend Pagination
  end
  class_methods do
    def archive_all = update_all(archived_at: Time.current)
    def self.method_missing(name, *args) = super
  end
  def archive! = touch(:archived_at)
end
''')
    assert "archive_all" in d.class_names and "archive_all" not in d.names
    assert d.scopes == {"archived"} and "archive!" in d.names
    # `extend ActiveSupport::Concern` extends the module; `extend` inside `included do` extends the model
    assert [w for w, _ in d.extends] == ["Pagination"]


def _lock(tmp_path: Path, specs: str) -> Path:
    (tmp_path / "Gemfile.lock").write_text(f"GEM\n  remote: https://rubygems.org/\n  specs:\n{specs}\n"
                                           "PLATFORMS\n  ruby\n\nDEPENDENCIES\n  rails\n")
    return tmp_path


def test_gems_that_may_extend_every_model(tmp_path):
    rails = ("    rails (8.0.2)\n      activerecord (= 8.0.2)\n    activerecord (8.0.2)\n      activemodel\n"
             "    solid_queue (1.1.5)\n      activerecord (>= 7.1)\n    ruby_llm (1.14.1)\n      faraday\n")
    assert rails_api.class_side_gem_gaps(_lock(tmp_path, rails)) == []
    ransack = rails + "    ransack (4.2.1)\n      activerecord (>= 6.1.5)\n      i18n\n"
    assert rails_api.class_side_gem_gaps(_lock(tmp_path, ransack)) == [
        "the bundled gem `ransack` may add class methods to every model"]
    # no activerecord dependency, yet it extends every model when loaded
    paginate = rails + "    will_paginate (4.0.1)\n"
    assert rails_api.class_side_gem_gaps(_lock(tmp_path, paginate)) == [
        "the bundled gem `will_paginate` may add class methods to every model"]
    (tmp_path / "Gemfile.lock").unlink()
    assert "no readable Gemfile.lock" in rails_api.class_side_gem_gaps(tmp_path)[0]
