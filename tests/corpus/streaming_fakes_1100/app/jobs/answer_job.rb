class AnswerJob < ApplicationJob
  def perform(session_id, question)
    AnswerStreamer.new(session_id).call(question)
  end
end
