class Memo < ApplicationRecord
  has_one_attached :audio
  validates :title, presence: true
end
