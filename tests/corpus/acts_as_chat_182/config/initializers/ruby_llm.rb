RubyLLM.configure do |config|
  config.openai_api_key = Rails.application.credentials.dig(:openai, :api_key)
  config.anthropic_api_key = ENV["ANTHROPIC_API_KEY"]
  config.default_model = "gpt-4.1-nano"
  config.model_registry_class = "Model"
end
