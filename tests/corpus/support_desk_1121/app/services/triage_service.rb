# Classifies incoming tickets and drafts a first reply.
class TriageService
  CATEGORIES = %w[billing bug feature other].freeze

  def self.classifier
    @classifier ||= RubyLLM.chat(model: "gpt-4.1-nano").with_temperature(0)
  end

  def initialize(ticket)
    @ticket = ticket
  end

  def category
    answer = self.class.classifier.ask("One of #{CATEGORIES.join(', ')}: #{@ticket.body}").content
    CATEGORIES.include?(answer.strip) ? answer.strip : "other"
  end

  def draft_reply
    chat = RubyLLM.chat.tap do |c|
      c.with_instructions("You are a polite support agent.")
      c.add_system_message("Never promise refunds.")
    end
    chat.ask(@ticket.body)
    transcript = chat.messages.map(&:content).join("\n")
    Rails.logger.debug(transcript)
    chat.messages.last.text
  end
end
