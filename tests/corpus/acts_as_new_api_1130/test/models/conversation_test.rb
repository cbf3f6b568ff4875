require "test_helper"

class ConversationTest < ActiveSupport::TestCase
  test "reply asks with attachments" do
    conversation = conversations(:one)
    conversation.expects(:ask).with("hi", with: []).returns(turns(:answer))
    assert_equal turns(:answer), conversation.reply("hi")
  end

  test "preview" do
    assert_equal "Sure!", conversations(:one).preview
  end
end
