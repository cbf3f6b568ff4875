class JsonExtractor
  def call(text)
    chat = RubyLLM.chat(model: RubyLLM.config.default_model)
    chat.with_params(response_format: { type: "json_object" })
    chat.with_instructions("Reply with JSON only.", replace: true)
    JSON.parse(chat.ask(text).content)
  rescue JSON::ParserError
    {}
  end
end
