class MessagesController < ApplicationController
  def create
    chat = current_user.chats.find(params[:chat_id])
    ChatResponseJob.perform_later(chat.id, params[:message][:content])
    head :ok
  end

  def retry_last
    chat = Chat.find(params[:chat_id])
    chat.with_model(model: "gpt-4.1-mini")
    chat.complete
    redirect_to chat
  end
end
