require "test_helper"

class ChatResponseJobTest < ActiveJob::TestCase
  test "asks the chat" do
    chat = chats(:one)
    Chat.any_instance.expects(:ask).with("hello").returns(messages(:reply))
    ChatResponseJob.perform_now(chat.id, "hello")
  end
end
