class WeeklyReportJob < ApplicationJob
  queue_as :reports

  def perform(account_id)
    account = Account.find(account_id)
    markdown = ReportWriter.new(account).weekly
    account.reports.create!(body: markdown, model_id: llm.model.id)
  end

  private

  def llm
    @llm ||= RubyLLM.chat(model: "anthropic/claude-3.5-haiku", temperature: 0.2)
  end
end
