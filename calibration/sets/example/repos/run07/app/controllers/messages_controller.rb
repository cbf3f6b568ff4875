# SYNTHETIC calibration fixture.
class MessagesController < ApplicationController
  def create
    chat = RubyLLM.chat
    ConversationStore.read(params[:chat_id]).each { |m| chat.add_message(role: m[:role], content: m[:content]) }
    reply = chat.ask(params[:content])
    ConversationStore.append(params[:chat_id], :user, params[:content])
    ConversationStore.append(params[:chat_id], :assistant, reply.content)
    render turbo_stream: turbo_stream.append("messages", partial: "messages/message", locals: { text: reply.content })
  rescue RubyLLM::Error => e
    render turbo_stream: turbo_stream.append("messages", partial: "messages/error", locals: { error: e.message })
  end
end
