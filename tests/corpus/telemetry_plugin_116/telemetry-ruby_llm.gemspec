Gem::Specification.new do |spec|
  spec.name = "telemetry-ruby_llm"
  spec.version = "0.3.0"
  spec.summary = "Spans and counters for RubyLLM chats"
  spec.files = Dir["lib/**/*.rb"]
  spec.add_dependency "ruby_llm", ">= 1.10"
end
