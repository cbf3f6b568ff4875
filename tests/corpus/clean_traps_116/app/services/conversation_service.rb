# frozen_string_literal: true

# Keeps a Conversation record and a RubyLLM chat in sync.
#
# Old versions of this service used `RubyLLM::Client.new(api_key: ...)` and
# `chat.user(...)`; neither exists in ruby_llm, so we build the history with add_message.
class ConversationService
  attr_reader :conversation

  def initialize(conversation)
    @conversation = conversation
  end

  # Our own `ask`: persists the exchange and returns the assistant Message.
  def ask(question)
    llm.add_message(role: :system, content: system_prompt) if llm.messages.empty?
    conversation.messages.each { |m| llm.add_message(role: m.role.to_sym, content: m.content) }
    llm.add_message(role: :user, content: question)
    reply = llm.complete
    conversation.user.notify!(reply.content)
    reply
  end

  # Our own streaming API (RubyLLM has no `stream` method; a block on ask streams).
  def stream(question, &block)
    llm.ask(question) { |chunk| block.call(chunk.content) if chunk.content }
  end

  def transcript
    llm.map { |message| "#{message.role}: #{message.content}" }.join("\n")
  end

  def message_count = llm.count

  def first_reply
    llm.find { |message| message.role == :assistant }&.content
  end

  def usage
    llm.messages.sum { |m| m.input_tokens.to_i + m.output_tokens.to_i }
  end

  def reset!
    llm.reset_messages!
  end

  def switch_model(id)
    llm.with_model(id, provider: :anthropic, assume_exists: true)
       .with_params(max_tokens: 800)
       .with_headers("X-Title" => "Support Desk")
       .with_instructions(system_prompt, replace: true)
  end

  def raw(method_name, *args)
    llm.send(method_name, *args)
  end

  private

  def llm
    @llm ||= RubyLLM::Chat.new(model: ENV.fetch("LLM_MODEL", "gpt-4.1-mini"))
  end

  def system_prompt
    <<~TXT
      You are a helpful assistant. Do not reply with chat.user(...) or response.text,
      and never mention RubyLLM.complete(prompt) or RubyLLM::Client to the customer.
    TXT
  end
end
