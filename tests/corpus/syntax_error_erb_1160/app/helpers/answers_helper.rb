module AnswersHelper
  def quick_answer(question)
    RubyLLM.chat.ask(question).content
  end
end
