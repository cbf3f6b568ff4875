class SupportBot
  def initialize(ticket)
    @ticket = ticket
    @chat = RubyLLM.chat(model: "claude-3-5-haiku-20241022", provider: :anthropic, assume_model_exists: true)
    @chat.with_instructions("You answer support tickets for ACME. Be brief.")
    @chat.with_tool(KnowledgeBaseTool, concurrency: 2)
    @chat.on_tool_call { |call| Rails.logger.info("tool: #{call.name}") }
  end

  def triage
    @chat.with_schema(TicketTriageSchema).ask(@ticket.body).content
  end

  def reply
    response = @chat.ask(@ticket.body)
    @ticket.replies.create!(body: response.content, tokens: response.output_tokens)
  end

  def self.isolated(ticket)
    ctx = RubyLLM.context { |config| config.request_timeout = 30 }
    ctx.chat(model: "gpt-4o-mini").ask(ticket.body).content
  end
end
