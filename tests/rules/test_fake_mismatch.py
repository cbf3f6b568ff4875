RULE = "rubyllm/fake-mismatch"


def test_fake_chat_hiding_missing_writer_and_bad_signature(run_app):
    found = run_app({
        "app/s.rb": "class S\n  def initialize(chat = RubyLLM.chat) = @chat = chat\nend\n",
        "test/s_test.rb": """
            require "test_helper"
            class FakeChat
              attr_accessor :messages
              attr_reader :prompts
              def ask(prompt, model: nil) = (@prompts ||= []) << prompt
              def complete = nil
              def helper_for_asserts = true
            end
            class STest < Minitest::Test
              def test_x
                RubyLLM.stub(:chat, FakeChat.new) { S.new }
              end
            end
        """,
    })
    assert sorted(found) == [("test/s_test.rb", 3, RULE), ("test/s_test.rb", 5, RULE)]


def test_faithful_fake_and_unrelated_test_class(run_app):
    found = run_app({
        "test/s_test.rb": """
            class FakeChat
              attr_reader :messages
              def ask(message = nil, with: nil) = message
              def add_message(attrs) = attrs
            end
            class FakeMailer
              attr_accessor :deliveries
            end
            RubyLLM.stub(:chat, FakeChat.new) { }
        """,
    })
    assert found == []


def test_test_support_rewriting_the_gem(run_app):
    found = run_app({
        "app/services/s.rb": """
            class S
              def client = RubyLLM::Client.new
              def setup! = RubyLLM.configure { |c| c.openai_api_key = "k" }
              def key = RubyLLM.api_key
            end
        """,
        "spec/support/ruby_llm_stub.rb": """
            module RubyLLM
              class Client
                def initialize(*); end
              end
              class MockConfig; end
              def self.api_key = "test"
              def self.configure = yield(self)
            end
        """,
    })
    assert sorted(f for f in found if f[2] == RULE) == [
        ("spec/support/ruby_llm_stub.rb", 2, RULE), ("spec/support/ruby_llm_stub.rb", 6, RULE)]
    assert ("app/services/s.rb", 2, "rubyllm/unknown-constant") in found


def test_a_named_test_class_built_on_an_app_class_is_no_fake(run_app):
    # `DummyContext < Pipeline::BaseContext` is the app's own context type with a test body, not a stand-in for
    # RubyLLM::Context, although the app uses RubyLLM::Context and calls `.model` on its own contexts.
    app = {
        "app/pipeline/base_context.rb": """
            module Pipeline
              class BaseContext
                def model = raise(NotImplementedError)
                def chat
                  ctx = RubyLLM.context { |c| c.openai_api_key = "k" }
                  ctx.chat(model: model.identifier)
                end
              end
            end
        """,
        "app/pipeline/task.rb": """
            module Pipeline
              class Task
                def initialize(context:) = @context = context
                def run = RubyLLM.chat(model: @context.model.identifier).ask("hi")
              end
            end
        """,
        "test/pipeline/runner_test.rb": """
            require "test_helper"
            module Pipeline
              class RunnerTest < ActiveSupport::TestCase
                class DummyContext < Pipeline::BaseContext
                  def model = Struct.new(:identifier).new("dummy")
                end
                def test_runs = assert Task.new(context: DummyContext.new).run
              end
            end
        """,
    }
    assert [f for f in run_app(app) if f[2] == RULE] == []
    # the same test class on no app base, stubbed in for RubyLLM.context, is still a fake of RubyLLM::Context
    test = app["test/pipeline/runner_test.rb"].replace(" < Pipeline::BaseContext", "")
    app["test/pipeline/runner_test.rb"] = test.replace("Task.new(context: DummyContext.new).run",
                                                       "RubyLLM.stub(:context, DummyContext.new) { 1 }")
    assert [f[:2] for f in run_app(app) if f[2] == RULE] == [("test/pipeline/runner_test.rb", 5)]
