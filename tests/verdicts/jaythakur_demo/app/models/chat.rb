class Chat < ApplicationRecord
  acts_as_chat
end
