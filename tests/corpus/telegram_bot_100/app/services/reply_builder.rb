class ReplyBuilder
  def initialize(conversation)
    @conversation = conversation
  end

  def reply_to(text)
    chat = RubyLLM.chat(model: "claude-3-5-haiku")
    chat.with_instructions("You are a terse Telegram assistant.")
    chat.with_temperature(0.4)
    answer = chat.ask(text)
    @conversation.messages.create!(role: "assistant", content: answer.content)
    answer.content
  end

  def fallback(text) = RouterClient.new.complete(text)
end
