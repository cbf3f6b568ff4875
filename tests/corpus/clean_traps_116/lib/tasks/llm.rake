namespace :llm do
  desc "Refresh the RubyLLM model registry"
  task refresh: :environment do
    RubyLLM.models.refresh!
    puts "#{RubyLLM.models.all.size} models"
  end
end
