class Chat < ApplicationRecord
  acts_as_chat
  belongs_to :user
  broadcasts_to ->(chat) { [chat, "messages"] }

  validates :model_id, presence: true

  def title
    first = messages.where(role: "user").first
    first ? first.content.to_s.truncate(40) : "New chat"
  end

  def reply_to(text)
    ask(text, temperature: 0.2)
  end
end
