class User < ApplicationRecord
  has_many :chats, dependent: :destroy
  has_many :tickets, dependent: :destroy
end
