# Public methods of an ActiveRecord model class and of its relations, as a real Ruby sees them after
# loading ActiveSupport's core extensions and activerecord (names a reader of the source cannot see:
# delegations through constant lists, Enumerable on relations, Class/Object methods). One name per line;
# no database connection is needed.
#   ruby static_checks/models_world/tools/active_record_class_api.rb > class_listing.txt
require "active_support/all"
require "active_record"

class ListedModel < ActiveRecord::Base
end

puts((ListedModel.public_methods + ListedModel.all.public_methods).map(&:to_s).uniq.sort)
