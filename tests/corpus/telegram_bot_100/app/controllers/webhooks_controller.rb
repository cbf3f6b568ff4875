class WebhooksController < ApplicationController
  skip_forgery_protection

  def create
    chat_id = params.dig(:message, :chat, :id)
    conversation = Conversation.find_or_create_by!(telegram_chat_id: chat_id)
    text = ReplyBuilder.new(conversation).reply_to(params.dig(:message, :text).to_s)
    Telegram::Bot::Client.new(ENV["TELEGRAM_TOKEN"]).api.send_message(chat_id: chat_id, text: text)
    head :ok
  end
end
