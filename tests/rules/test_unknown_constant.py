RULE = "rubyllm/unknown-constant"


def test_invented_client_class_is_reported_with_proof(run_app):
    found = run_app({"app/services/a.rb": """
        class A
          def client = RubyLLM::Client.new(api_key: "x")
        end
    """}, full=True)
    hits = [f for f in found if f.rule == RULE]
    assert [(f.file, f.line) for f in hits] == [("app/services/a.rb", 2)]
    assert "RubyLLM::Client" in hits[0].message and "1.16.0" in hits[0].evidence
    assert hits[0].severity.value == "error" and hits[0].category.value == "api-hallucination"


def test_real_constants_app_defined_and_guarded_ones_are_not(run_app):
    found = run_app({"app/services/a.rb": """
        class A
          def go
            RubyLLM::Chat.new
          rescue RubyLLM::RateLimitError, RubyLLM::Error
            nil
          end
          def maybe = defined?(RubyLLM::Agent) ? 1 : 2
        end
        module RubyLLM
          class MyHelper; end
        end
        RubyLLM::MyHelper.new
        # RubyLLM::Client.new in a comment
        X = "RubyLLM::Client"
    """})
    assert [f for f in found if f[2] == RULE] == []


def test_documented_but_undefined_timeout_error(run_app):
    found = run_app({"app/a.rb": "begin\n  x\nrescue RubyLLM::TimeoutError\nend\n"})
    assert ("app/a.rb", 3, RULE) in found


def test_schema_gem_required_separately_before_1_9(run_app):
    src = {"app/a.rb": "include RubyLLM::Helpers\nclass S < RubyLLM::Schema\nend\n"}
    assert run_app(src, version="1.6.2", gemfile_extra='gem "ruby_llm-schema"\n') == []
    assert sorted(run_app(src, version="1.6.2")) == [
        ("app/a.rb", 1, "rubyllm/version-mismatch"), ("app/a.rb", 2, "rubyllm/version-mismatch")]


def test_app_module_named_rubyllm_shadows_the_gem_lexically(run_app):
    found = run_app({"lib/tracing/ruby_llm.rb": """
        module Tracing
          module RubyLLM
            class Client
              def self.build = new
            end
            def self.setup = RubyLLM::Client.build
            def self.gem_chat = ::RubyLLM::Client.new
          end
        end
        class Outside
          def go = RubyLLM::Client.new
        end
    """})
    # inside Tracing, RubyLLM is Tracing::RubyLLM; `::RubyLLM` and code outside reach the gem
    assert sorted(f[1] for f in found if f[2] == RULE) == [7, 11]


def test_miscased_namespace_gets_a_did_you_mean(run_app):
    found = run_app({"app/services/a.rb": """
        class A
          def one(q) = RubyLlm.chat.ask(q)
          def two = Rubyllm::Client.new
          def three = Ruby_LLM.embed("x")
        end
    """}, full=True)
    hits = [f for f in found if f.rule == RULE]
    assert [f.line for f in hits] == [2, 3, 4]
    assert all(f.hint == "did you mean `RubyLLM`?" for f in hits)


def test_miscased_name_the_app_defines_is_its_own(run_app):
    found = run_app({
        "app/services/ruby_llm/wrapper.rb": "module RubyLlm\n  class Wrapper\n    def self.go = RubyLLM.chat\n  end\n"
                                            "end\n",
        "app/services/b.rb": "class B\n  def go = RubyLlm::Wrapper.go\n  def s = 'RubyLlm.chat'\nend\n",
        "app/services/c.rb": "RubyLLm = RubyLLM\nRubyLLm.chat\n",
    })
    assert [f for f in found if f[2] == RULE] == []


def test_miscased_path_of_a_bundled_extension_gem_is_not_judged(run_app):
    # `bundle gem ruby_llm-audit` names its module RubyLlm::Audit; the code is not in this repo
    src = {"app/services/a.rb": "class A\n  def go = RubyLlm::Audit.record(:x)\n  def bad = RubyLlm.chat\nend\n"}
    assert [f[1] for f in run_app(src, gemfile_extra='gem "ruby_llm-audit"\n') if f[2] == RULE] == [3]
    assert [f[1] for f in run_app(src) if f[2] == RULE] == [2, 3]
