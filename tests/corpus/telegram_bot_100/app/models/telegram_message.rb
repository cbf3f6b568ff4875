class TelegramMessage < ApplicationRecord
  acts_as_message chat_class: "Conversation"
end
