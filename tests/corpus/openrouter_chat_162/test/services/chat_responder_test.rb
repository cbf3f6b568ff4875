require "test_helper"

class FakeChat
  attr_accessor :messages

  def initialize
    @messages = []
  end

  def complete
    Struct.new(:content).new("stubbed reply")
  end

  def add_message(role:, content:)
    @messages << { role: role, content: content }
  end
end

class ChatResponderTest < ActiveSupport::TestCase
  setup do
    @conversation = conversations(:one)
  end

  test "ask returns the assistant reply" do
    RubyLLM::Client.any_instance.stubs(:chat).returns(OpenStruct.new(text: "hi"))
    assert_equal "hi", ChatResponder.new(@conversation).ask("Hello")
  end

  test "replay uses history" do
    RubyLLM::Chat.stubs(:new).returns(FakeChat.new)
    assert_equal "stubbed reply", ChatResponder.new(@conversation).replay!
  end
end
