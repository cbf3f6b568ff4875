class Model < ApplicationRecord
  acts_as_model
end
