class TicketMessage < ApplicationRecord
  acts_as_message chat: :ticket, chat_class: "Ticket"
end
