# Upgraded from 1.6 by hand: the initializer never opted in to the association-based acts_as API.
RubyLLM.configure do |config|
  config.anthropic_api_key = Rails.application.credentials.dig(:anthropic, :key)
  config.default_model = "claude-sonnet-4"
end
