class ChatsController < ApplicationController
  before_action :set_chat, only: %i[show destroy]

  def index
    @chats = current_user.chats.order(created_at: :desc)
  end

  def new
    @chat = Chat.new
  end

  def create
    @chat = Chat.create!(model: params[:chat][:model].presence || "gpt-4.1-nano", user: current_user)
    @chat.with_instructions("You are a friendly assistant for #{current_user.name}.")
    @chat.add_message(role: :assistant, content: "Hi! How can I help?")
    ChatResponseJob.perform_later(@chat.id, params[:chat][:prompt]) if params[:chat][:prompt].present?
    redirect_to @chat
  end

  def show
    @message = @chat.messages.build
  end

  def destroy
    @chat.destroy!
    redirect_to chats_path, notice: "Chat deleted"
  end

  private

  def set_chat
    @chat = current_user.chats.find(params[:id])
  end
end
