# RubyLLM setup. Note: there is no `config.api_key`; each provider has its own key option.
RubyLLM.configure do |config|
  config.openai_api_key = ENV["OPENAI_API_KEY"]
  config.anthropic_api_key = ENV["ANTHROPIC_API_KEY"]
  config.gemini_api_key = ENV["GEMINI_API_KEY"]
  config.default_model = "gpt-4.1-mini"
  config.default_embedding_model = "text-embedding-3-small"
  config.request_timeout = 90
  config.max_retries = 3
  config.logger = Rails.logger
  config.use_new_acts_as = true
end
