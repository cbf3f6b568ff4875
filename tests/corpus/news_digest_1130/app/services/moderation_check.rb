require "openai"

class ModerationCheck
  def initialize
    @client = OpenAI::Client.new(access_token: ENV.fetch("OPENAI_API_KEY"))
  end

  def flagged?(text)
    result = @client.moderations(parameters: { input: text })
    result.dig("results", 0, "flagged")
  end
end
