#!/usr/bin/env ruby
# Lists model ids; not part of the Rails app and has no Gemfile of its own.
require "json"
puts JSON.parse(File.read(ARGV.fetch(0))).map { |m| m["id"] }
