# frozen_string_literal: true

# Configure RubyLLM to talk to OpenRouter.
RubyLLM.configure do |config|
  config.openrouter_api_key = ENV.fetch("OPENROUTER_API_KEY", nil)
  config.default_model = "openai/gpt-4o-mini"
  config.api_key = ENV["OPENROUTER_API_KEY"]
  config.request_timeout = 120
end
