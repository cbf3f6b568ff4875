# Answers reader questions about today's digest, with a lookup tool.
class DigestAssistant
  class ArticleLookup < RubyLLM::Tool
    description "Finds an article of today's digest by keyword"
    param :keyword, desc: "word to search in headlines"

    def execute(keyword:)
      Article.where("headline LIKE ?", "%#{keyword}%").limit(3).pluck(:headline).join("\n")
    end
  end

  TOOLS = [ArticleLookup].freeze

  def initialize(model: "openai/gpt-4.1-mini")
    @chat = RubyLLM::Chat.new(model: model).with_tools(TOOLS)
  end

  def answer(question, attachment: nil)
    response = if attachment
      @chat.ask(question, with: attachment)
    else
      @chat.ask(question, with: { max_tokens: 400, temperature: 0.3 })
    end
    response.content
  end

  def brief_answer(question)
    RubyLLM::Chat.new.with_tools(*TOOLS).with_temperature(0.1).ask(question).content
  end
end
