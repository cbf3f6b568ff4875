class Conversation < ApplicationRecord
  acts_as_chat messages: :turns, message_class: "Turn", model: :ai_model, model_class: "Model"

  belongs_to :user
  has_many :attachments, dependent: :destroy

  scope :recent, -> { order(updated_at: :desc) }

  def prime!(persona)
    with_instructions(persona.prompt, append: false)
    with_model(persona.model_id, provider: persona.provider, assume_model_exists: true)
    self
  end

  def reply(text)
    ask(text, with: attachments.map(&:file))
  end

  def preview
    turns.last&.content.to_s.truncate(80)
  end
end
