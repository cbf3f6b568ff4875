# Summarizes long documents into three bullet points.
class Summarizer
  Result = Struct.new(:summary, :tokens, :cost, keyword_init: true)

  def initialize(model: nil)
    @model = model
  end

  def call(text)
    response = chat.ask("Summarize in three bullet points:\n\n#{text}")
    Result.new(
      summary: response.content,
      tokens: response.input_tokens.to_i + response.output_tokens.to_i,
      cost: response.cost&.total
    )
  end

  private

  def chat
    @chat ||= RubyLLM.chat(model: @model || RubyLLM.config.default_model)
                     .with_instructions("You are a precise summarizer.")
                     .with_temperature(0.1)
  end
end
