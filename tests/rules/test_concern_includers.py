"""`self` in a concern is the model that includes it only when that one model is the module's only possible user:
an includer the type scan skipped, `X.include(M)`, `send(:include, M)`, `extend M`, `prepend M`, an `on_load`
hook or any other hand-off of the module leaves `self` unknown."""

import pytest

RULE = "rubyllm/unknown-method"
FILES = {
    "app/models/application_record.rb": "class ApplicationRecord < ActiveRecord::Base\n"
                                        "  self.abstract_class = true\nend\n",
    "app/models/chat.rb": "class Chat < ApplicationRecord\n  include Titling\n  acts_as_chat\nend\n",
    "app/models/concerns/titling.rb": "module Titling\n  def headline = ask(\"Title?\").title\nend\n",
}
NOTE = "app/models/note.rb"


def _titling(found):
    return [(f, r) for f, _line, r in found if f == "app/models/concerns/titling.rb"]


def test_one_includer_types_self_and_class_tests_keep_it(run_app):
    probe = {"app/models/probe.rb": "class Probe\n  def chat?(x) = x.is_a?(Titling)\nend\n"}
    assert _titling(run_app({**FILES, **probe})) == [("app/models/concerns/titling.rb", RULE)]


@pytest.mark.parametrize("more", [
    pytest.param({NOTE: "class Note < ApplicationRecord\n  include Titling\nend\n"}, id="plain includer"),
    pytest.param({"lib/note.rb": "class Note\n  include Titling\nend\n"}, id="unscanned includer"),
    pytest.param({NOTE: "class Note < ApplicationRecord\n  include(Titling)\n  def x = RubyLLM\nend\n"},
                 id="include with parentheses"),
    pytest.param({NOTE: "class Note < ApplicationRecord\n  prepend Titling\n  def x = RubyLLM\nend\n"}, id="prepend"),
    pytest.param({NOTE: "class Note < ApplicationRecord\n  extend Titling\n  def x = RubyLLM\nend\n"}, id="extend"),
    pytest.param({"config/initializers/titles.rb": "Note.include(Titling)\n"}, id="X.include(M)"),
    pytest.param({"config/initializers/titles.rb": "Note.send(:include, Titling)\n"}, id="send(:include, M)"),
    pytest.param({"config/initializers/titles.rb": "ActiveSupport.on_load(:active_record) { include Titling }\n"},
                 id="on_load hook"),
    pytest.param({"lib/runner.rb": "class Runner\n  def call(obj) = obj.extend(Titling).headline\nend\n"},
                 id="object.extend(M)"),
])
def test_another_possible_user_of_the_module_leaves_self_unknown(run_app, more):
    assert _titling(run_app({**FILES, **more})) == []
