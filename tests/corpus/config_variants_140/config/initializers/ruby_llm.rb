# frozen_string_literal: true

RubyLLM.configure do |config|
  # Provider keys
  config.openai_api_key = ENV.fetch("OPENAI_API_KEY", nil)
  config.openrouter_api_key = ENV.fetch("OPENROUTER_API_KEY", nil)
  config.anthropic_key = ENV.fetch("ANTHROPIC_API_KEY", nil)

  # Defaults
  config.default_model = "gpt-4o-mini"
  config.model = "gpt-4o-mini"
  config.temperature = 0.7

  # Connection
  config.request_timeout = 120
  config.timeout = 120
  config.max_retries = 3
  config.retry_interval = 0.2

  # Logging
  config.log_level = :info
  config.log_file = Rails.root.join("log/ruby_llm.log").to_s

  config.use_new_acts_as = true
end
