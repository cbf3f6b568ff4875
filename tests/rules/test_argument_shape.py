RULE = "rubyllm/argument-shape"

TOOL = """
    class WeatherTool < RubyLLM::Tool
      description "Weather"
      param :city, desc: "City"
      def execute(city:) = "sunny in #{city}"
    end
"""


def test_array_given_to_with_tools(run_app):
    found = run_app({"app/tools/weather_tool.rb": TOOL, "app/services/asker.rb": """
        class Asker
          TOOLS = [WeatherTool].freeze
          def a(q) = RubyLLM.chat.with_tools([WeatherTool]).ask(q)
          def b(q) = RubyLLM.chat.with_tools(TOOLS).ask(q)
        end
    """})
    assert found == [("app/services/asker.rb", 3, RULE), ("app/services/asker.rb", 4, RULE)]


def test_splatted_or_separate_tools_are_fine(run_app):
    assert run_app({"app/tools/weather_tool.rb": TOOL, "app/services/asker.rb": """
        class Asker
          TOOLS = [WeatherTool].freeze
          def a(q) = RubyLLM.chat.with_tools(*TOOLS).ask(q)
          def b(q) = RubyLLM.chat.with_tools(WeatherTool, WeatherTool).ask(q)
          def c(tools) = RubyLLM.chat.with_tools(tools)
        end
    """}) == []


def test_request_options_given_as_attachments(run_app):
    found = run_app({"app/services/answerer.rb": """
        class Answerer
          def call(q) = RubyLLM.chat.ask(q, with: { max_tokens: 200 })
        end
    """}, full=True)
    assert [(f.line, f.rule) for f in found] == [(2, RULE)]
    assert "with_params" in found[0].hint


def test_array_of_hashes_given_as_attachments(run_app):
    found = run_app({"app/services/reader.rb": """
        class Reader
          def call(q, url) = RubyLLM.chat.ask(q, with: [{ pdf: url }])
        end
    """})
    assert found == [("app/services/reader.rb", 2, RULE)]


def test_real_attachments_are_fine(run_app):
    assert run_app({"app/services/answerer.rb": """
        class Answerer
          def call(q, path) = RubyLLM.chat.ask(q, with: { image: path, pdf: "doc.pdf" })
          def other(q, files) = RubyLLM.chat.ask(q, with: files)
          def own(x) = x.ask(q, with: { max_tokens: 1 })
          def many(q, a, b) = RubyLLM.chat.ask(q, with: [a, "b.png", b])
        end
    """}) == []


def test_block_given_to_a_method_that_never_yields(run_app):
    found = run_app({"app/services/recommender.rb": """
        class Recommender
          def suggest(prompt)
            RubyLLM.chat do |chat|
              chat.ask(prompt)
            end
          end

          def stream(prompt)
            chat = RubyLLM.chat(model: "gpt-4o")
            chat.on_new_message { broadcast_start }
            RubyLLM.configure { |config| config.request_timeout = 30 }
            chat.with_temperature(0.2).ask(prompt) { |chunk| print chunk.content }
            chat.with_model("gpt-4o-mini") { |c| c.ask(prompt) }
          end
        end
    """}, version="1.14.1", full=True)
    hits = sorted((f.line, f.rule) for f in found)
    assert hits == [(3, "rubyllm/argument-shape"), (13, "rubyllm/argument-shape")]
    assert "never runs the block" in found[0].message and "initialize" in found[0].evidence
