# Streams an answer token by token to an ActionCable channel.
class AnswerStreamer
  def initialize(session_id, chat: nil)
    @session_id = session_id
    @chat = chat || RubyLLM.chat(model: "gpt-4.1")
  end

  def call(question)
    buffer = +""
    @chat.with_thinking(budget: 2048)
    @chat.on_end_message do |message|
      broadcast(:done, tokens: message.output_tokens, usage: message.usage)
    end
    @chat.on_tool_result { |result| broadcast(:tool, result: result.to_s) }

    @chat.ask(question) do |chunk|
      next unless chunk.content

      buffer << chunk.content
      broadcast(:delta, text: chunk.content, finish: chunk.finish_reason)
    end
    buffer
  end

  def call_with_stream_api(question)
    @chat.stream(question) { |event| broadcast(:delta, text: event) }
  end

  def retry!
    @chat.complete(stream: true)
  end

  private

  def broadcast(type, **payload)
    ActionCable.server.broadcast("answers_#{@session_id}", payload.merge(type: type))
  end
end
