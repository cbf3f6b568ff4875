class MediaService
  def illustrate(prompt)
    image = RubyLLM.paint(prompt, model: "gpt-image-1", size: "1024x1024")
    path = Rails.root.join("tmp", "#{SecureRandom.hex(8)}.png")
    image.save(path)
    path
  end

  def embed(texts)
    RubyLLM.embed(texts).vectors
  end

  def describe_photo(path)
    content = RubyLLM::Content.new("Describe this photo in one sentence.", [path])
    Rails.logger.debug(content.text)
    RubyLLM.chat(model: "gpt-4.1-mini").ask(content).content
  end

  def chat_model_ids
    RubyLLM.models.chat_models.map(&:id)
  end

  def with_cost_log(question)
    chat = RubyLLM.chat
    chat.after_message { |message| Rails.logger.info("cost: #{message.cost&.total}") }
    chat.on_new_message { Rails.logger.info("assistant is typing") }
    chat.ask(question, with: ["docs/terms.pdf"])
  rescue RubyLLM::RateLimitError, RubyLLM::ServerError => e
    Rails.logger.warn(e.message)
    nil
  end
end
