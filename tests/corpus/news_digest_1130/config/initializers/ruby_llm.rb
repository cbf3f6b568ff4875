RubyLLM.configure do |config|
  # OpenRouter speaks the OpenAI protocol
  config.openai_api_key = ENV["OPENROUTER_API_KEY"]
  config.openai_api_base = "https://openrouter.ai/api/v1"
end
