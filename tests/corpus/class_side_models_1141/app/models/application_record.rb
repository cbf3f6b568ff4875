class ApplicationRecord < ActiveRecord::Base
  primary_abstract_class

  def self.newest_first = order(created_at: :desc)
end
