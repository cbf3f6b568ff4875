"""Names an app class built on RubyLLM declares through macros are its own methods, on the right side.

One reader (static_checks/models_world/declarations.py) lists what a class body declares for models and for
every other app class: class_attribute, cattr_*/mattr_*, attr_* in `class << self`, define_method,
define_singleton_method, alias_method, delegate, Struct members, included concerns. A name declared in a
way we cannot read leaves the class's lookups unverifiable (info), never invented (error).
"""

import textwrap

UNKNOWN = "rubyllm/unknown-method"
UNVERIFIABLE = "rubyllm/unverifiable-model-call"

# A base tool the way apps write them: settings as class attributes, subclasses flipping them.
BASE_TOOL = """
    module Assistants
      class BaseTool < RubyLLM::Tool
        class_attribute :needs_confirmation, default: false
        class_attribute :audit_label, instance_predicate: false
        class_attribute :cost_hint, instance_reader: false
        cattr_accessor :call_budget, instance_accessor: false
        mattr_reader :vendor_name, default: "acme"

        class << self
          attr_accessor :catalogue_slug
          alias_method :slug, :catalogue_slug
        end

        define_method(:display_name) { self.class.name.demodulize }
        define_singleton_method(:registry_key) { name.underscore }
        alias_method :perform, :execute
        delegate :account, to: :context

        attr_reader :context
        alias run perform

        def initialize(context = nil)
          @context = context
        end
      end
    end
"""

SUBCLASS = """
    module Assistants
      class ForecastTool < BaseTool
        self.needs_confirmation = true
        self.audit_label = "forecast"
        self.cost_hint = 3
        self.call_budget = 10
        self.catalogue_slug = "forecast"
        description "Looks up the forecast"
        param :city, desc: "City name"

        def execute(city:)
          { city: city, sky: "clear" }
        end
      end
    end
"""


def test_declared_names_are_methods_on_their_side(run_app):
    found = run_app({
        "app/tools/assistants/base_tool.rb": BASE_TOOL,
        "app/tools/assistants/forecast_tool.rb": SUBCLASS,
        "app/services/tool_report.rb": """
            class ToolReport
              def lines
                tool = Assistants::ForecastTool.new(nil)
                [
                  Assistants::ForecastTool.needs_confirmation,
                  Assistants::ForecastTool.needs_confirmation?,
                  Assistants::BaseTool.audit_label,
                  Assistants::ForecastTool.cost_hint,
                  Assistants::ForecastTool.call_budget,
                  Assistants::ForecastTool.vendor_name,
                  Assistants::ForecastTool.catalogue_slug,
                  Assistants::ForecastTool.slug,
                  Assistants::ForecastTool.registry_key,
                  tool.needs_confirmation,
                  tool.needs_confirmation?,
                  tool.audit_label,
                  tool.cost_hint = 4,
                  tool.vendor_name,
                  tool.display_name,
                  tool.perform(city: "Oslo"),
                  tool.run(city: "Oslo"),
                  tool.account,
                  tool.context,
                ]
              end
            end
        """,
    })
    assert found == []


def test_names_switched_off_or_on_the_other_side_stay_invented(run_app):
    found = run_app({
        "app/tools/assistants/base_tool.rb": BASE_TOOL,
        "app/tools/assistants/forecast_tool.rb": SUBCLASS,
        "app/services/tool_report.rb": """
            class ToolReport
              def lines
                tool = Assistants::ForecastTool.new(nil)
                tool.audit_label?
                tool.cost_hint
                tool.call_budget
                tool.catalogue_slug
                tool.registry_key
                Assistants::ForecastTool.display_name
                Assistants::ForecastTool.account
                tool.forecast_cache
                Assistants::ForecastTool.confirm!
              end
            end
        """,
    })
    assert sorted(line for _f, line, rule in found if rule == UNKNOWN) == list(range(4, 13))
    assert all(rule == UNKNOWN for _f, _line, rule in found)


def test_subclass_setting_class_attribute_of_app_base(run_app):
    """The shape of set F's 46 false errors: settings declared on an app base tool, set by subclasses."""
    found = run_app({
        "app/libs/ai/tools/abstract_tool.rb": """
            module AI
              module Tools
                class AbstractTool < RubyLLM::Tool
                  class_attribute :requires_approval, default: false
                  class_attribute :read_only, default: false
                end
              end
            end
        """,
        "app/libs/ai/tools/notes/create_note_tool.rb": """
            module AI
              module Tools
                module Notes
                  class CreateNoteTool < AbstractTool
                    self.requires_approval = true
                    self.read_only = false
                    description "Creates a note"
                    def execute(text:) = { saved: text }
                  end
                end
              end
            end
        """,
        "test/libs/ai/tools/notes/create_note_tool_test.rb": """
            require "test_helper"
            class CreateNoteToolTest < ActiveSupport::TestCase
              test "settings" do
                tool = AI::Tools::Notes::CreateNoteTool.new
                assert tool.requires_approval
                assert_equal false, AI::Tools::Notes::CreateNoteTool.read_only
                assert_equal false, AI::Tools::AbstractTool.read_only
                tool.approve_later
              end
            end
        """,
    })
    assert found == [("test/libs/ai/tools/notes/create_note_tool_test.rb", 8, UNKNOWN)]


def test_concern_included_by_a_tool(run_app):
    found = run_app({
        "app/tools/concerns/rate_limited.rb": """
            module RateLimited
              extend ActiveSupport::Concern

              included do
                class_attribute :calls_per_minute, default: 30
              end

              class_methods do
                def limit_key = name.underscore
              end

              def throttled? = false
            end
        """,
        "app/tools/search_tool.rb": """
            class SearchTool < RubyLLM::Tool
              include RateLimited
              description "Searches"
              def execute(q:) = q
            end
        """,
        "app/jobs/search_job.rb": """
            class SearchJob
              def perform
                tool = SearchTool.new
                tool.throttled?
                tool.calls_per_minute
                SearchTool.calls_per_minute = 5
                SearchTool.limit_key
                tool.limit_key
                SearchTool.throttled?
              end
            end
        """,
    })
    assert sorted(found) == [("app/jobs/search_job.rb", 8, UNKNOWN), ("app/jobs/search_job.rb", 9, UNKNOWN)]


def _declared(source: str):
    """What the shared reader lists for the first class of `source` (instance names, class names, gaps)."""
    from static_checks.parsing import parse_ruby
    from static_checks.types.project import declared_of
    from static_checks.types.scan import scan_file

    cdef = scan_file(parse_ruby("app/x.rb", textwrap.dedent(source).encode())).classes[0]
    found = declared_of(cdef)
    return found.names, found.class_names, found.gaps(False) + found.gaps(True)


def test_struct_and_data_members_are_readers():
    names, _class, gaps = _declared("""
        class Hit < Struct.new(:title, :score, keyword_init: true)
          def to_s = title
        end
    """)
    assert {"title", "title=", "score", "score=", "to_s"} <= names and not gaps
    names, _class, gaps = _declared("""
        class Point < Data.define(:x, :y)
        end
    """)
    assert names == {"x", "y"} and not gaps
    _names, _class, gaps = _declared("""
        class Row < Struct.new(*COLUMNS)
        end
    """)
    assert gaps and "computed member" in gaps[0]


def test_reader_sides_and_switches():
    names, class_names, gaps = _declared("""
        class Settings
          class_attribute :mode, instance_writer: false
          class_attribute :tier, instance_accessor: false, instance_predicate: false
          mattr_writer :sink
          thread_cattr_accessor :current, instance_reader: false
          attr_internal_reader :token
          define_model_callbacks :deliver, only: [:before, :after]
          class << self
            attr_writer :level
            delegate :host, to: :config
          end
        end
    """)
    assert names == {"mode", "mode?", "sink=", "current=", "token"}
    assert class_names == {"mode", "mode=", "mode?", "tier", "tier=", "sink=", "current", "current=",
                           "before_deliver", "after_deliver", "level=", "host"}
    assert gaps == []


def test_unreadable_declarations_make_lookups_unverifiable(run_app):
    found = run_app({
        "app/tools/dynamic_tool.rb": """
            class DynamicTool < RubyLLM::Tool
              FLAGS = %w[fast cheap].freeze
              description "Dynamic"
              param :q
              FLAGS.each { |flag| define_method("#{flag}?") { true } }
              def execute(q:) = q
            end
        """,
        "app/tools/gem_macro_tool.rb": """
            class GemMacroTool < RubyLLM::Tool
              description "Uses a gem's macro"
              memoize_settings :region
              def execute(q:) = q
            end
        """,
        "app/services/use.rb": """
            class Use
              def go
                DynamicTool.new.fast?
                GemMacroTool.new.region
              end
            end
        """,
    }, full=True)
    hits = sorted((f.file, f.line, f.rule, f.severity.value) for f in found)
    # the unknown macro is itself judged (invented on a RubyLLM::Tool), and what it may declare is unverifiable
    assert hits == [("app/services/use.rb", 3, UNVERIFIABLE, "info"), ("app/services/use.rb", 4, UNVERIFIABLE, "info"),
                    ("app/tools/gem_macro_tool.rb", 3, UNKNOWN, "error")]
    evidence = {f.line: f.evidence for f in found if f.file == "app/services/use.rb"}
    assert "FLAGS.each" in evidence[3] and "memoize_settings" in evidence[4]


def test_known_dsl_and_harmless_app_macros_keep_lookups_checked(run_app):
    """A tool using only its base's DSL, Ruby's class methods and an app macro that defines nothing is a
    closed world: an invented name on it is still an error."""
    found = run_app({
        "app/tools/base.rb": """
            class BaseTool < RubyLLM::Tool
              def self.tagged(label)
                @tags = [*@tags, label]
              end
            end
        """,
        "app/tools/weather_tool.rb": """
            class WeatherTool < BaseTool
              TIMEOUT = 5
              private_constant :TIMEOUT
              tagged :outdoor
              description "Weather"
              param :city, desc: "City"
              def execute(city:) = city
            end
        """,
        "app/services/use.rb": """
            class Use
              def go = WeatherTool.new.forecast_for("Oslo")
            end
        """,
    })
    assert found == [("app/services/use.rb", 2, UNKNOWN)]


def test_method_given_to_one_object_is_its_own(run_app):
    """A test's fake: `chat.define_singleton_method(:asked)` / `def chat.asked` give that object the method;
    the same name on another object of the class is still invented."""
    found = run_app({
        "app/tools/lookup_tool.rb": """
            class LookupTool < RubyLLM::Tool
              description "Looks up"
              def execute(q:) = q
            end
        """,
        "test/tools/lookup_tool_test.rb": """
            require "test_helper"
            class LookupToolTest < ActiveSupport::TestCase
              test "records the query" do
                tool = LookupTool.new
                tool.define_singleton_method(:last_query) { @last_query }
                other = LookupTool.new
                def other.hits = 3
                spare = LookupTool.new
                spare.singleton_class.define_method(:warm?) { true }
                tool.execute(q: "x")
                assert_nil tool.last_query
                assert_equal 3, other.hits
                assert spare.warm?
                assert_nil other.last_query
                assert spare.hits
              end
            end
        """,
    })
    assert found == [("test/tools/lookup_tool_test.rb", 14, UNKNOWN), ("test/tools/lookup_tool_test.rb", 15, UNKNOWN)]
