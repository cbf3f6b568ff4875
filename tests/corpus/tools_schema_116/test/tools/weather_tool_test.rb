require "test_helper"

class WeatherToolTest < ActiveSupport::TestCase
  test "returns a halt for a blank city" do
    result = WeatherTool.new.execute(city: "")
    assert_kind_of RubyLLM::Tool::Halt, result
  end

  test "calls through the tool interface" do
    WeatherClient.any_instance.stubs(:current).returns({ temp: 21 })
    assert_equal({ temp: 21 }, WeatherTool.new.call({ "city" => "Berlin" }))
  end
end
