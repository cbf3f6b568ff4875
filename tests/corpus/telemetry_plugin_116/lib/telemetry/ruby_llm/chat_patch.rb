module Telemetry
  module RubyLLM
    module ChatPatch
      def complete(...)
        return super unless RubyLLM::Instrumentation.instance.enabled?

        started = Process.clock_gettime(Process::CLOCK_MONOTONIC)
        super.tap do |message|
          RubyLLM::Instrumentation.instance.spans << {
            model: model.id,
            tokens: message.output_tokens,
            seconds: Process.clock_gettime(Process::CLOCK_MONOTONIC) - started
          }
        end
      end
    end
  end
end
