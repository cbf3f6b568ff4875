class ReportWriter
  def initialize(account)
    @account = account
  end

  def weekly
    chat.system("You write weekly KPI reports in Markdown.")
    result = chat.ask(prompt_for(@account.metrics.last(7)))
    result.content
  end

  def weekly_streamed(&)
    chat.ask_stream(prompt_for(@account.metrics.last(7)), &)
  end

  def tone(style)
    self.chat.with_instructions(system: "Use a #{style} tone")
  end

  def provider_name
    RubyLLM::Providers::OpenRouter.name
  end

  def fast_provider
    RubyLLM::Providers::Groq
  end

  private

  def chat = @chat ||= RubyLLM::Ext.fresh_chat("anthropic/claude-3.5-haiku")

  def prompt_for(rows)
    "Summarize these metrics:\n" + rows.map(&:to_csv).join("\n")
  end
end
