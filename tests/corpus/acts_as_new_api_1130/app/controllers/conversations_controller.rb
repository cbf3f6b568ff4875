class ConversationsController < ApplicationController
  def create
    conversation = current_user.conversations.create!(ai_model: Model.find_by!(model_id: params[:model]))
    conversation.add_message(role: :system, content: Persona.default.prompt)
    conversation.with_temperature(0.4).with_params(max_tokens: 600)
    redirect_to conversation
  end

  def reply
    conversation = Conversation.find(params[:id])
    conversation.reply(params[:text])
    conversation.ask(params[:text], stream: true) { |chunk| Turbo::StreamsChannel.broadcast_append_to(conversation, html: chunk.content) }
    head :no_content
  end
end
