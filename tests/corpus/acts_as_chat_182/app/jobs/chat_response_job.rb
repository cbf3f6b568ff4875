class ChatResponseJob < ApplicationJob
  queue_as :default

  def perform(chat_id, content)
    chat = Chat.find(chat_id)

    chat.with_thinking(effort: :medium) if content.length > 500

    chat.ask(content) do |chunk|
      next if chunk.content.blank?

      message = chat.messages.last
      message.broadcast_append_chunk(chunk.delta)
    end
  end
end
