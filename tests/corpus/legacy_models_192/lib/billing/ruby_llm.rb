# The app's own adapter namespace: inside Billing, `RubyLLM` means Billing::RubyLLM.
module Billing
  module RubyLLM
    class Meter
      def self.current = (@current ||= new)

      def record(tokens) = (@total = total + tokens)

      def total = @total.to_i
    end

    def self.track(message)
      RubyLLM::Meter.current.record(message.output_tokens.to_i)
      ::RubyLLM::Chat.new(model: "claude-sonnet-4")
    end
  end
end
