require Rails.root.join("lib/ruby_llm_ext/chat_helpers")

RubyLLM.configure do |config|
  config.openrouter_api_key = ENV["OPENROUTER_API_KEY"]
  config.default_model = "anthropic/claude-3.5-haiku"
end
