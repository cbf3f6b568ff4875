class ReleaseNotes
  def initialize(commits)
    @commits = commits
  end

  def draft
    chat = RubyLLM.chat(model: "gpt-4.1")
    chat.with_instructions("Write short, plain release notes.")
    chat.with_prompt_template(:release_notes, commits: @commits.first(50))
    chat.ask("Draft the notes").content
  end

  def polish(text)
    RubyLLM.chat(temperature: 0.2).ask("Tighten this: #{text}").content
  end
end
