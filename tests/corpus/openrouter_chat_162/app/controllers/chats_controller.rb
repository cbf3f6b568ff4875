class ChatsController < ApplicationController
  before_action :set_conversation

  def create
    responder = ChatResponder.new(@conversation)
    reply = responder.ask(params.require(:message))
    @conversation.messages.create!(role: "assistant", content: reply)
    redirect_to chat_path(@conversation)
  rescue RubyLLM::Error => e
    flash[:alert] = "LLM error: #{e.message}"
    redirect_to chat_path(@conversation)
  end

  def quick
    output = RubyLLM.complete(prompt: params[:q], model: "openai/gpt-4o-mini")
    render plain: output.choices.first.message.content
  end

  private

  def set_conversation
    @conversation = Conversation.find(params[:id])
  end
end
