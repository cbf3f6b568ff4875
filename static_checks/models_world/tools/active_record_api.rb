# Public instance methods every ActiveRecord model has, as a real Ruby sees them after loading
# activerecord (names defined at boot that a reader of the source cannot see: callbacks,
# mattr_accessor configs). Prints one name per line; no database connection is needed.
#   ruby static_checks/models_world/tools/active_record_api.rb > listing.txt
require "active_record"

class ListedModel < ActiveRecord::Base
end

puts((ListedModel.public_instance_methods - Object.public_instance_methods).map(&:to_s).sort)
