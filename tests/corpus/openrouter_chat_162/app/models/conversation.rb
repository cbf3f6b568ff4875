class Conversation < ApplicationRecord
  belongs_to :user
  has_many :messages, dependent: :destroy

  # Not RubyLLM: our own domain helper.
  def user_label
    user.name
  end
end
