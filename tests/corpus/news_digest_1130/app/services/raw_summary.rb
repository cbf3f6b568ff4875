require "net/http"
require "json"

# Fallback used when RubyLLM is rate limited.
class RawSummary
  ENDPOINT = URI("https://openrouter.ai/api/v1/chat/completions")

  def self.call(text)
    http = Net::HTTP.new(ENDPOINT.host, ENDPOINT.port)
    http.use_ssl = true
    req = Net::HTTP::Post.new(ENDPOINT, "Content-Type" => "application/json",
                                        "Authorization" => "Bearer #{ENV['OPENROUTER_API_KEY']}")
    req.body = { model: "openai/gpt-4o-mini", messages: [{ role: "user", content: "Summarize: #{text}" }] }.to_json
    JSON.parse(http.request(req).body).dig("choices", 0, "message", "content")
  end
end
