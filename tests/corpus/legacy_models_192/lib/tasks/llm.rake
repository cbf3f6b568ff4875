namespace :llm do
  desc "Ping the default model"
  task ping: :environment do
    puts RubyLlm.chat.ask("Reply with pong").content
  end

  desc "List providers"
  task providers: :environment do
    puts RubyLLM.models.map(&:provider).uniq.sort.join(", ")
  end
end
