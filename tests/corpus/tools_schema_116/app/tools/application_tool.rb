# Base class for every tool the assistant can call.
class ApplicationTool < RubyLLM::Tool
  private

  def current_account
    Current.account
  end
end
