class ChatsController < ApplicationController
  def index
    @chats = Chat.for_workspace(current_workspace).live.titled.newest_first.includes(:messages).limit(50)
    @waiting = Chat.status_waiting.count
    @not_resolved = Chat.not_status_resolved.pluck(:id)
    @statuses = Chat.statuses.keys
    @escalated = EscalatedChat.oldest_first.live.to_a
  end

  def show
    @chat = Chat.find_by_id_and_workspace_id!(params[:id], current_workspace.id)
    @tokens = Message.where(chat: @chat).total_tokens
  end

  def create
    @chat = Chat.start_for(current_workspace, model: params[:model])
    redirect_to @chat
  end

  def search
    @chats = Chat.search_by_title(params[:q])
    @first = Chat.find_by_title(params[:q])
    @by_topic = Chat.find_by_topic(params[:q])
  end

  def inbox
    @chats = current_workspace.chats.needing_reply.newest_first
    @unread = current_workspace.chats.unread_for(current_user)
  end
end
