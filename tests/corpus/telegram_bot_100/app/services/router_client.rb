require "net/http"
require "json"

# ruby_llm 1.0.0 can neither reach OpenRouter (no provider, no custom OpenAI base URL) nor is
# it the right tool here, so this talks HTTP directly.
class RouterClient
  BASE_URL = "https://openrouter.ai/api/v1"

  def complete(prompt, model: "meta-llama/llama-3.1-8b-instruct")
    uri = URI("#{BASE_URL}/chat/completions")
    http = Net::HTTP.new(uri.host, uri.port)
    http.use_ssl = true
    request = Net::HTTP::Post.new(uri, "Content-Type" => "application/json",
                                       "Authorization" => "Bearer #{ENV['OPENROUTER_API_KEY']}")
    request.body = { model: model, messages: [{ role: "user", content: prompt }] }.to_json
    JSON.parse(http.request(request).body).dig("choices", 0, "message", "content")
  end
end
