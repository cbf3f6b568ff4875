require "net/http"

class MemoScreen
  ENDPOINT = URI("https://api.openai.com/v1/moderations")

  def flagged?(text)
    response = Net::HTTP.post(ENDPOINT, { input: text }.to_json,
                              "Authorization" => "Bearer #{ENV['OPENAI_API_KEY']}",
                              "Content-Type" => "application/json")
    JSON.parse(response.body).dig("results", 0, "flagged")
  end

  def tag_line(memo)
    chat = RubyLLM.chat.with_instructions("Answer with three comma-separated tags")
    chat.ask(memo.transcript).content
  end
end
