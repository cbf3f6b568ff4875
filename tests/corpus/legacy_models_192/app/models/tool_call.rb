class ToolCall < ApplicationRecord
  acts_as_tool_call message_class: "Reply", message_foreign_key: :reply_id
end
