class Reply < ApplicationRecord
  acts_as_message chat_class: "Conversation", chat_foreign_key: :conversation_id, touch_chat: true
end
