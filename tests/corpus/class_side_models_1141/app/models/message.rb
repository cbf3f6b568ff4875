class Message < ApplicationRecord
  include TokenAccounting

  acts_as_message
  has_many_attached :attachments
end
