class WeatherTool < ApplicationTool
  description "Returns the current weather for a city"
  param :city, type: :string, desc: "City name, e.g. Berlin"
  param :units, type: :string, desc: "metric or imperial", required: false

  def execute(city:, units: "metric")
    return halt("Unknown city") if city.blank?

    WeatherClient.new(units: units).current(city).to_h
  rescue WeatherClient::Error => e
    { error: e.message }
  end
end
