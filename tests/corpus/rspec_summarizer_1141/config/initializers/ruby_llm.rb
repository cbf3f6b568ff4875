RubyLLM.configure do |c|
  c.openai_api_key = ENV.fetch("OPENAI_API_KEY") { Rails.application.credentials.openai_api_key }
  c.default_model = ENV.fetch("LLM_MODEL", "gpt-4o-mini")
  c.max_retries = 2
  c.retry_interval = 0.5
  c.log_level = Rails.env.production? ? :info : :debug
end
