namespace :telemetry do
  task :smoke do
    chat = ::RubyLLM.chat(model: "gpt-4.1-nano")
    puts chat.ask("ping").content
    puts Telemetry::RubyLLM::Instrumentation.instance.spans.size
  end
end
