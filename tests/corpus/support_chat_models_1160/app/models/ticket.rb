class Ticket < ApplicationRecord
  include Discard::Model

  acts_as_chat messages: :ticket_messages, message_class: "TicketMessage"
  belongs_to :user
end
