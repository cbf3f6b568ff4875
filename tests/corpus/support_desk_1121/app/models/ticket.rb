class Ticket < ApplicationRecord
  belongs_to :user
  has_many :replies, dependent: :destroy

  # Domain method, not RubyLLM: asks the customer a follow-up question by email.
  def ask(question)
    TicketMailer.with(ticket: self, question: question).follow_up.deliver_later
  end

  def triage!
    update!(category: TriageService.new(self).category)
  end
end
