class Translator
  attr_reader :chat

  def initialize(target_language)
    @target_language = target_language
    @chat = RubyLLM.chat
    @chat.with_instructions("Translate everything the user says into #{target_language}.")
    @chat.with_params(response_format: { type: "text" })
  end

  def translate(text)
    chat.before_message { Rails.logger.info("[translator] sending #{text.size} chars") }
    chat.on_end_message { |message| log_usage(message) }
    chat.ask(text).content
  end

  private

  def log_usage(message)
    Rails.logger.info("[translator] #{message.input_tokens} in, #{message.output_tokens} out")
  end
end
