class ToolCall < ApplicationRecord
  acts_as_tool_call
end
