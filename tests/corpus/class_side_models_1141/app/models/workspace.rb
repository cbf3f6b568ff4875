class Workspace < ApplicationRecord
  has_many :chats, dependent: :destroy do
    def needing_reply
      joins(:messages).where(messages: { role: "user" }).distinct
    end
  end

  validates :name, :slug, presence: true
end
