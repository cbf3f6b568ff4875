RULE = "rubyllm/tool-execute"


def test_execute_keywords_must_match_params(run_app):
    found = run_app({"app/tools/calc.rb": """
        class Calc < RubyLLM::Tool
          description "calc"
          param :expression, desc: "math"
          def execute(expr:) = expr
        end
    """}, full=True)
    assert [(f.line, f.rule) for f in found] == [(4, RULE)]
    assert "expression" in found[0].message and found[0].hint == "def execute(expression:)"


def test_missing_execute_and_valid_variants(run_app):
    found = run_app({"app/tools/t.rb": """
        class Base < RubyLLM::Tool
        end
        class NoExec < Base
          description "x"
          param :q
        end
        class Ok < Base
          param :q
          param :limit, required: false
          def execute(q:, limit: 5) = q
        end
        class Splat < Base
          param :q
          def execute(**args) = args
        end
        class Inferred < Base
          def execute(city: "Berlin") = city
        end
        class Dynamic < Base
          params { string :q }
          def execute(q:) = q
        end
        class OwnCall < Base
          param :q
          def call(args) = args
        end
    """})
    assert found == [("app/tools/t.rb", 3, RULE)]


def test_undeclared_required_keyword_before_inference_existed(run_app):
    src = {"app/tools/t.rb": "class T < RubyLLM::Tool\n  description 'x'\n  def execute(city:) = city\nend\n"}
    assert run_app(src, version="1.6.2") == [("app/tools/t.rb", 3, RULE)]


def test_optional_param_must_not_be_a_required_keyword(run_app):
    found = run_app({"app/tools/t.rb": """
        class Search < RubyLLM::Tool
          description "s"
          param :query
          param :limit, type: :integer, required: false
          def execute(query:, limit:) = [query, limit]
        end
        class SearchOk < RubyLLM::Tool
          description "s"
          param :query
          param :limit, required: false
          def execute(query:, limit: 10) = [query, limit]
        end
    """}, full=True)
    assert [(f.line, f.rule) for f in found] == [(5, RULE)]
    assert "limit" in found[0].message and "default" in found[0].message


def test_call_override_must_take_the_gems_positional_hash(run_app):
    found = run_app({
        "app/tools/weather.rb": """
            class Weather < RubyLLM::Tool
              description "Weather"
              param :city
              def call(city:) = "sunny in #{city}"
            end
        """,
        "app/tools/clock.rb": "class Clock < RubyLLM::Tool\n  description 'now'\n  def call = Time.now.to_s\nend\n",
        # accepted: one positional Hash (with or without extras), a splat, a forwarder
        "app/tools/ok.rb": """
            class Echo < RubyLLM::Tool
              param :text
              def call(args) = args["text"]
            end
            class Logged < RubyLLM::Tool
              param :text
              def execute(text:) = text
              def call(args, log: nil) = super(args)
            end
            class Splat < RubyLLM::Tool
              def call(*args) = args.first
            end
            class Fwd < RubyLLM::Tool
              def call(...) = super(...)
            end
        """,
    })
    hits = sorted((f[0], f[1]) for f in found if f[2] == "rubyllm/tool-execute")
    assert hits == [("app/tools/clock.rb", 3), ("app/tools/weather.rb", 4)]
