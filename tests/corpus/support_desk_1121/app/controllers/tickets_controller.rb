class TicketsController < ApplicationController
  def show
    @ticket = Ticket.find(params[:id])
    @model_info = RubyLLM.models.find("gpt-4.1-nano")
  end

  def follow_up
    ticket = Ticket.find(params[:id])
    ticket.ask(params[:question])
    ticket.user.notify!("We asked you a question")
    redirect_to ticket
  end
end
