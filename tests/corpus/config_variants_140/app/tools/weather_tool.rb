class WeatherTool < RubyLLM::Tool
  description "Current weather for a city"
  param :city, type: :string, description: "City name"
  param :units, type: :string, desc: "metric or imperial", required: false

  def execute(city:, units: "metric")
    WeatherClient.current(city, units: units)
  end
end
