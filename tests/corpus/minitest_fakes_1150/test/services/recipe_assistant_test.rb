require "test_helper"

class RecipeAssistantTest < ActiveSupport::TestCase
  class FakeLLM
    attr_reader :prompts

    def initialize(reply)
      @reply = reply
      @prompts = []
    end

    def with_instructions(*) = self
    def with_tools(*) = self
    def before_tool_call(&) = self
    def after_message(&) = self

    def ask(prompt, model: nil, temperature: nil)
      @prompts << prompt
      @reply
    end

    def complete_chat(prompt:, format: :text)
      @reply
    end
  end

  test "suggest returns the recipe" do
    reply = RubyLLM::Message.new(role: :assistant, content: "Omelette", model_id: "m", output_tokens: 12)
    fake = FakeLLM.new(reply)
    RubyLLM.stub(:chat, fake) do
      result = RecipeAssistant.new.suggest(%w[eggs cheese])
      assert_equal "Omelette", result[:recipe]
    end
    assert_match "eggs", fake.prompts.first
  end
end
