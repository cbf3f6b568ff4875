# This file was left half-edited by the agent: the parser must still see the calls above the error.
class BrokenSummary
  def call(text)
    chat = RubyLLM.chat(model: "gpt-4.1-nano")
    chat.user(text)
    chat.ask(text).content
  end

  def retry_with(
    model = "gpt-4.1",
    opts = { temperature: 0.2
  end
end
