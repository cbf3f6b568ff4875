class Turn < ApplicationRecord
  acts_as_message chat: :conversation, chat_class: "Conversation", tool_calls: :tool_invocations, model: :ai_model

  def llm_text
    to_llm.content
  end

  def llm_usage
    to_llm.usage_tokens
  end
end
