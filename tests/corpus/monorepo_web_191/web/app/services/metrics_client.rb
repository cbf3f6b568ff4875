# Talks to our metrics warehouse, not to an LLM.
class MetricsClient
  def initialize
    @chat = SlackNotifier.new(channel: "#kpis")
  end

  def notify(text)
    @chat.user("kpi-bot").post(text)
  end
end
