# Writes the public method names of Ruby's core classes/modules that every object, class,
# exception or Enumerable/Comparable includer has. Run with a real ruby:
#   ruby static_checks/manifest/tools/ruby_core.rb > static_checks/data/ruby_core/methods.json
require "json"

# Instance side: what `obj.x` finds through these ancestors.
names = %w[BasicObject Kernel Object Comparable Enumerable Module Class Exception Struct]
instance = names.to_h do |name|
  mod = Object.const_get(name)
  pub = mod.public_instance_methods(false).map(&:to_s)
  [name, { "public" => pub.sort, "private" => (mod.private_instance_methods(false).map(&:to_s) - pub).sort }]
end
# Superclass of each core exception class, so `class MyError < StandardError` reaches Exception.
errors = ObjectSpace.each_object(Class).select { |c| c < Exception && c.name && !c.name.include?("::") }
superclasses = errors.to_h { |c| [c.name, c.superclass.name] }.sort.to_h
superclasses["Exception"] = "Object"
superclasses["Struct"] = "Object"
out = {
  "ruby_version" => RUBY_VERSION,
  "modules" => instance,
  "superclasses" => superclasses,
  # `Foo.x` on a class: Class < Module < Object; on a module: Module < Object.
  "class_singleton_public" => Class.new.public_methods.map(&:to_s).sort,
  "module_singleton_public" => Module.new.public_methods.map(&:to_s).sort,
  "object_public" => Object.new.public_methods.map(&:to_s).sort
}
puts JSON.pretty_generate(out)
