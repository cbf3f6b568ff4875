module LlmSetup
  module_function

  def apply!(env = ENV)
    RubyLLM.config.openai_api_key ||= env["OPENAI_API_KEY"]
    RubyLLM.config.openai_organization_id = env["OPENAI_ORG"] if env["OPENAI_ORG"]
    RubyLLM.config.openai_key = env["OPENAI_API_KEY"]
    RubyLLM.configure(openai_api_key: env["OPENAI_API_KEY"])
    RubyLLM.config
  end

  def current_model
    RubyLLM.config.default_model
  end
end
