class Message < ApplicationRecord
  # acts_as_message
end
