class ReplyService
  def initialize(chat_id)
    @chat = Chat.find(chat_id)
  end

  def call(text)
    Chat.transaction do
      @chat.status_waiting!
      reply = @chat.ask(text)
      Chat.where(id: @chat.id).update_all(status: Chat.statuses[:open])
      reply.content
    end
  end

  def resend(text)
    Chat.send_message(@chat.id, text)
  end
end
