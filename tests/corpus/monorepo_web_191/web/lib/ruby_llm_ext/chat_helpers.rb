# Small app-level extensions to RubyLLM::Chat.
module RubyLLM
  class Chat
    # Convenience: a system prompt in one call.
    def system(text)
      with_instructions(text)
    end
  end

  module Ext
    def self.fresh_chat(model = nil)
      Chat.new(model: model).with_temperature(0.4)
    end

    def self.broken_chat
      Chat.new.with_model { |c| c.temperature = 0.1 }
    end
  end
end
