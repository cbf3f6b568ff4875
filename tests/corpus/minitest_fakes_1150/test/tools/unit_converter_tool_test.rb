require "test_helper"

class UnitConverterToolTest < ActiveSupport::TestCase
  test "converts" do
    assert_in_delta 236.6, UnitConverterTool.new.execute(amount: 1, from: "cup", to: "ml"), 0.5
  end
end
