class TicketReplyJob < ApplicationJob
  def perform(ticket_id, text)
    ticket = Ticket.find(ticket_id)
    ticket.ask(text)
    ticket.undiscard
    ticket.escalate_to_human(text)
  end
end
