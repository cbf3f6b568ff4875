class Message < ApplicationRecord
  acts_as_message
  has_many_attached :attachments
  broadcasts_to ->(message) { [message.chat, "messages"] }

  def broadcast_append_chunk(content)
    broadcast_append_to [chat, "messages"],
      target: "message_#{id}_content",
      partial: "messages/content",
      locals: { content: content }
  end

  def plain_text
    to_llm.text
  end
end
