# Writes the public method names of Ruby's core classes/modules that every object, class
# or Enumerable/Comparable includer has. Run with a real ruby:
#   ruby static_checks/manifest/tools/ruby_core.rb > static_checks/data/ruby_core/methods.json
require "json"

instance = {}
# Instance side: what `obj.x` finds through these ancestors.
%w[BasicObject Kernel Object Comparable Enumerable Module Class].each do |name|
  mod = Object.const_get(name)
  instance[name] = {
    "public" => mod.public_instance_methods(false).map(&:to_s).sort,
    "private" => (mod.private_instance_methods(false).map(&:to_s) - mod.public_instance_methods(false).map(&:to_s)).sort
  }
end
# `Foo.x` on a class: Class < Module < Object; a module: Module < Object.
out = {
  "ruby_version" => RUBY_VERSION,
  "modules" => instance,
  "class_singleton_public" => Class.new.public_methods.map(&:to_s).sort,
  "module_singleton_public" => Module.new.public_methods.map(&:to_s).sort,
  "object_public" => Object.new.public_methods.map(&:to_s).sort
}
puts JSON.pretty_generate(out)
