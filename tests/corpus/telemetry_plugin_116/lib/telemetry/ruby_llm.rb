require "ruby_llm"

module Telemetry
  module RubyLLM
    class Instrumentation
      def self.instance = (@instance ||= new)

      attr_reader :spans

      def initialize = (@spans = [])

      def enabled? = ENV["TELEMETRY_OFF"].nil?
    end

    class Client
      def self.build(endpoint) = new.tap { |c| c.instance_variable_set(:@endpoint, endpoint) }
    end

    def self.install!
      ::RubyLLM::Chat.prepend(ChatPatch)
      ::RubyLLM.subscribe("chat.complete") { |event| Instrumentation.instance.spans << event }
      RubyLLM::Client.build(ENV.fetch("TELEMETRY_URL", "http://127.0.0.1:4318"))
    end
  end
end

require_relative "ruby_llm/chat_patch"
