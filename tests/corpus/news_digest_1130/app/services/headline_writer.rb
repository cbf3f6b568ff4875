class HeadlineWriter
  PROMPT = "Write one punchy headline (max 12 words) for the article. Reply with the headline only."

  def initialize(article)
    @article = article
    @chat = RubyLLM::Chat.new(model: "openai/gpt-4o-mini", provider: :openai, assume_model_exists: true)
  end

  def headline
    @chat.with_instructions(PROMPT)
    @chat.ask(@article.body.truncate(4_000)).content.strip
  end
end
