# Plain Ruby object: its `user`, `system` and `ask` have nothing to do with RubyLLM.
class AssistantPersona
  Turn = Struct.new(:role, :text)

  def initialize
    @turns = []
  end

  def system(text) = tap { @turns << Turn.new(:system, text) }
  def user(text) = tap { @turns << Turn.new(:user, text) }
  def assistant(text) = tap { @turns << Turn.new(:assistant, text) }

  def ask(question)
    user(question)
    chat = RubyLLM.chat
    @turns.each { |turn| chat.add_message(role: turn.role, content: turn.text) }
    chat.complete.content
  end
end
