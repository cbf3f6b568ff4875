require "faraday"

# Text to speech: no ruby_llm release offers it, so a direct call is the honest choice.
class ReadAloud
  HOST = "https://api.openai.com"

  def initialize(voice: "alloy")
    @voice = voice
  end

  def mp3_for(text)
    connection.post("/v1/audio/speech", { model: "tts-1", voice: @voice, input: text }.to_json).body
  end

  private

  def connection
    @connection ||= Faraday.new(url: HOST, headers: {
      "Authorization" => "Bearer #{ENV['OPENAI_API_KEY']}",
      "Content-Type" => "application/json"
    })
  end
end
