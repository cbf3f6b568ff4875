require "test_helper"
require_relative "../support/fake_chat"

class AnswerStreamerTest < ActiveSupport::TestCase
  test "concatenates chunks" do
    fake = FakeChat.new
    # RubyLLM::Chat is replaced by FakeChat here
    assert_equal "Hello", AnswerStreamer.new("s1", chat: fake).call("Hi")
    assert_equal ["Hi"], fake.asked
  end
end
