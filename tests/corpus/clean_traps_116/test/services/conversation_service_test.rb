require "test_helper"

class ConversationServiceTest < ActiveSupport::TestCase
  test "ask returns the completion" do
    reply = RubyLLM::Message.new(role: :assistant, content: "Hello!")
    RubyLLM::Chat.any_instance.stubs(:complete).returns(reply)
    service = ConversationService.new(conversations(:one))
    assert_equal "Hello!", service.ask("Hi").content
  end

  test "streams chunks" do
    RubyLLM::Chat.any_instance.expects(:ask).yields(RubyLLM::Chunk.new(role: :assistant, content: "Hi"))
    chunks = []
    ConversationService.new(conversations(:one)).stream("Hi") { |c| chunks << c }
    assert_equal ["Hi"], chunks
  end
end
