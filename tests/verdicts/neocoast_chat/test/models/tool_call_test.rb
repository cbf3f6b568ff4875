require "test_helper"

class ToolCallTest < ActiveSupport::TestCase
  # test "the truth" do
  #   assert true
  # end
end
