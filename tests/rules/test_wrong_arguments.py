RULE = "rubyllm/wrong-arguments"


def test_unknown_keyword_on_forwarded_chat(run_app):
    found = run_app({"app/a.rb": 'RubyLLM.chat(model: "x", messages: [])\n'}, full=True)
    assert [(f.line, f.rule) for f in found] == [(1, RULE)]
    assert "messages:" in found[0].message and "forwarding to RubyLLM::Chat.new" in found[0].evidence


def test_keyword_hash_to_positional_method_is_valid_ruby3(run_app):
    found = run_app({"app/a.rb": """
        chat = RubyLLM.chat
        chat.add_message(role: :user, content: "x")
        chat.add_message({ role: :user, content: "x" })
        chat.with_params(**opts)
        chat.with_tools(*tools)
        chat.ask("x", &blk)
        chat.with_headers("X-Title" => "y")
        RubyLLM::Chat.new(model: "m", provider: :openai, assume_model_exists: true)
    """})
    assert found == []


def test_missing_positional_and_wrong_keyword(run_app):
    found = run_app({"app/a.rb": """
        chat = RubyLLM::Chat.new
        chat.with_model { |c| c }
        chat.with_model("gpt", assume_model_exists: true)
        chat.complete(stream: true)
    """})
    assert found == [("app/a.rb", 2, RULE), ("app/a.rb", 3, RULE), ("app/a.rb", 4, RULE)]


def test_constructor_uses_initialize_signature(run_app):
    found = run_app({"app/a.rb": 'RubyLLM::Chat.new(model: "x", temperature: 0.2)\n'})
    assert found == [("app/a.rb", 1, RULE)]


def test_app_subclass_constructor_uses_the_apps_initialize(run_app):
    found = run_app({"app/schemas/s.rb": """
        class Report < RubyLLM::Schema
          string :title
          def initialize(a, b, c) = super()
        end
        class Plain < RubyLLM::Schema
          string :title
        end
        Report.new(1, 2, 3)
        Plain.new(1, 2, 3)
    """})
    assert found == [("app/schemas/s.rb", 9, "rubyllm/wrong-arguments")]


def test_keyword_from_a_later_release_is_named_in_the_evidence(run_app):
    found = run_app({"app/a.rb": "RubyLLM.chat.with_tool(String, concurrency: 2)\n"}, version="1.15.0", full=True)
    assert [(f.line, f.rule) for f in found] == [(1, "rubyllm/wrong-arguments")]
    assert "`concurrency:` is accepted in ruby_llm 1.16.0" in found[0].evidence


def test_tool_param_options_are_checked_against_parameter(run_app):
    src = {"app/tools/t.rb": """
        class T < RubyLLM::Tool
          description "t"
          param :q, desc: "query", type: :string, required: true
          param :limit, description: "max", default: 10
          def execute(q:, limit: 10) = q
        end
    """}
    found = run_app(src, version="1.16.0", full=True)
    assert [(f.line, f.rule) for f in found] == [(4, "rubyllm/wrong-arguments")]
    assert "`default:`" in found[0].message and "description" not in found[0].message
    old = run_app(src, version="1.14.1", full=True)
    assert "`description:`" in old[0].message and "1.15.0" in old[0].evidence


ACTS_AS_MODELS = {
    "app/models/chat.rb": "class Chat < ApplicationRecord\n  acts_as_chat messages_foreign_key: :chat_id\nend\n",
    "app/models/message.rb": "class Message < ApplicationRecord\n"
                             "  acts_as_message chat_class: 'Chat', touch_chat: true\nend\n",
    "app/models/tool_call.rb": "class ToolCall < ApplicationRecord\n  acts_as_tool_call\nend\n",
}


def test_acts_as_keywords_bind_against_the_legacy_api_by_default(run_app):
    found = run_app(ACTS_AS_MODELS, version="1.9.2", full=True)
    hits = [f for f in found if f.rule == "rubyllm/wrong-arguments"]
    assert [(f.file, f.line) for f in hits] == [("app/models/chat.rb", 2)]
    assert "messages_foreign_key" in hits[0].message and "use_new_acts_as = true" in hits[0].message
    assert "ActsAsLegacy" in hits[0].evidence


def test_acts_as_keywords_of_the_new_api_once_enabled(run_app):
    files = dict(ACTS_AS_MODELS)
    files["config/initializers/ruby_llm.rb"] = "RubyLLM.configure do |config|\n  config.use_new_acts_as = true\nend\n"
    assert [f for f in run_app(files, version="1.9.2") if f[2] == "rubyllm/wrong-arguments"] == []
    files["app/models/chat.rb"] = "class Chat < ApplicationRecord\n  acts_as_chat messages_fk: :chat_id\nend\n"
    (hit,) = [f for f in run_app(files, version="1.16.0", full=True) if f.rule == "rubyllm/wrong-arguments"]
    assert hit.hint.startswith("did you mean") and "`messages_foreign_key`" in hit.hint


def test_acts_as_before_the_new_api_existed(run_app):
    found = run_app({"app/models/chat.rb": "class Chat < ApplicationRecord\n"
                                           "  acts_as_chat message_class: 'Msg', bogus: 1\nend\n"},
                    version="1.0.0")
    assert [f[:2] for f in found if f[2] == "rubyllm/wrong-arguments"] == [("app/models/chat.rb", 2)]


def test_core_enumerable_methods_on_gem_objects_are_bound(run_app):
    found = run_app({"app/services/picker.rb": """
        class Picker
          def bad = RubyLLM.models.select(provider: :openai)
          def also_bad = RubyLLM.models.each_slice
          def good = RubyLLM.models.select { |m| m.provider == "openai" }.first(3)
          def fine = RubyLLM.models.each_slice(10).map(&:size).sum
        end
    """})
    assert [f[1] for f in found if f[2] == "rubyllm/wrong-arguments"] == [2, 3]


def test_acts_as_not_judged_when_the_api_choice_is_unknown(run_app):
    files = dict(ACTS_AS_MODELS)
    files["config/initializers/ruby_llm.rb"] = ("RubyLLM.configure do |config|\n"
                                                "  # config.use_new_acts_as = false\n"
                                                "  config.use_new_acts_as = ENV['NEW_ACTS_AS'] == '1'\nend\n")
    assert [f for f in run_app(files, version="1.9.2") if f[2] == "rubyllm/wrong-arguments"] == []


def test_acts_as_macros_of_other_mappers_are_not_rubyllm(run_app):
    mongoid = {"app/models/conversation.rb": (
        "class Conversation\n  include Mongoid::Document\n  acts_as_chat model: :llm_model, model_class: 'LlmModel'\n"
        "end\n")}
    assert run_app(mongoid, version="1.16.0") == []


def test_acts_as_macro_the_app_defines_is_not_rubyllm(run_app):
    own = {"app/models/concerns/chatty.rb": (
               "module Chatty\n  extend ActiveSupport::Concern\n  class_methods do\n"
               "    def acts_as_chat(store: :memory) = nil\n  end\nend\n"),
           "app/models/chat.rb": "class Chat < ApplicationRecord\n  include Chatty\n  acts_as_chat store: :redis\n"
                                 "end\n"}
    assert run_app(own, version="1.16.0") == []


def test_same_macro_keyword_on_an_active_record_model_is_checked(run_app):
    ar = {"app/models/chat.rb": "class Chat < ApplicationRecord\n  acts_as_chat store: :redis\nend\n"}
    assert run_app(ar, version="1.16.0") == [("app/models/chat.rb", 2, "rubyllm/wrong-arguments")]


def test_module_name_called_as_a_tool_dsl_setter(run_app):
    found = run_app({"app/tools/weather_tool.rb": (
        "class WeatherTool < RubyLLM::Tool\n  name \"weather\"\n  description \"Weather\"\n"
        "  def execute(city:) = city\n  def label = self.class.name\nend\n")}, full=True)
    assert [(f.line, f.rule) for f in found] == [(2, "rubyllm/wrong-arguments")]
    assert "Ruby core signature" in found[0].evidence and "given 1, expected 0" in found[0].message
