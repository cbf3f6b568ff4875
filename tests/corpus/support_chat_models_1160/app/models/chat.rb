class Chat < ApplicationRecord
  include Summarizable

  acts_as_chat
  belongs_to :user
  has_one_attached :transcript
  enum :status, { open: 0, resolved: 1 }, prefix: true
  scope :recent, -> { order(updated_at: :desc) }
  delegate :email, to: :user, prefix: true

  def label
    "#{title} (#{status})"
  end
end
