RubyLLM.configure do |config|
  config.openai_api_key = ENV.fetch("OPENAI_API_KEY", nil)
  config.log_stream_debug = Rails.env.development?
  config.default_temperature = 0.2
end
