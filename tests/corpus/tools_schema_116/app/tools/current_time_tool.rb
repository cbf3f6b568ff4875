class CurrentTimeTool < ApplicationTool
  description "Tells the current time in a timezone"

  # No `param` lines: ruby_llm infers the parameters from execute's keywords.
  def execute(timezone: "UTC")
    Time.current.in_time_zone(timezone).iso8601
  end
end
