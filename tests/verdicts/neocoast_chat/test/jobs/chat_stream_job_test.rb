require "test_helper"

class ChatStreamJobTest < ActiveJob::TestCase
  # test "the truth" do
  #   assert true
  # end
end
