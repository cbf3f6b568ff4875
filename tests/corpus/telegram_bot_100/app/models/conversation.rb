class Conversation < ApplicationRecord
  acts_as_chat message_class: "TelegramMessage", model_class: "LlmModel"
end
