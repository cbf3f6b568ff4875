class Conversation < ApplicationRecord
  belongs_to :account
  acts_as_chat message_class: "Reply", messages_foreign_key: :conversation_id

  def title_or_default = title.presence || "Untitled"
end
