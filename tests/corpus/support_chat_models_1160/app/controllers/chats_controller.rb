class ChatsController < ApplicationController
  def show
    @chat = current_user.chats.includes(:messages).find(params[:id])
    @chat.title_changed?
    @chat.status_open?
    @chat.user_email
    @chat.transcript.attached?
    @chat.label
  end

  def create
    chat = current_user.chats.create!(title: params[:title])
    chat.ask(params[:content])
    chat.send_message(params[:content])
    redirect_to chat
  end

  def update
    chat = Chat.find(params[:id])
    chat.update!(title: params[:title], status: :resolved)
    chat.broadcast_replace_to(chat, target: "chat_header")
    chat.refresh_summary
    chat.generate_reply(params[:content], stream: true)
    head :ok
  end

  def recent
    latest = Chat.where(user: current_user).order(updated_at: :desc).first
    latest.complete_with(params[:content])
    render json: latest.as_json(only: %i[id title summary])
  end
end
