class SummarizeMemoJob < ApplicationJob
  queue_as :default

  def perform(memo)
    client = OpenAI::Client.new(access_token: ENV["OPENAI_API_KEY"])
    reply = client.chat(parameters: {
      model: "gpt-4.1-mini",
      messages: [{ role: "user", content: "Summarize: #{memo.transcript}" }]
    })
    memo.update!(summary: reply.dig("choices", 0, "message", "content"))
  end
end
