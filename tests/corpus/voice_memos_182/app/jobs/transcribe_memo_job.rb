# Speech to text. ruby_llm 1.8 has no RubyLLM.transcribe yet, so the SDK is the only option here.
class TranscribeMemoJob < ApplicationJob
  queue_as :default

  def perform(memo)
    memo.audio.open do |file|
      result = OpenAI::Client.new.audio.transcribe(
        parameters: { model: "whisper-1", file: file, language: "en" }
      )
      memo.update!(transcript: result["text"])
    end
    SummarizeMemoJob.perform_later(memo)
  end
end
