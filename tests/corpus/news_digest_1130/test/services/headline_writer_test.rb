require "test_helper"
require "minitest/mock"

class HeadlineWriterTest < ActiveSupport::TestCase
  test "returns a stripped headline" do
    fake = Minitest::Mock.new
    fake.expect(:with_instructions, fake, [String])
    fake.expect(:ask, OpenStruct.new(content: "  Big news  "), [String])

    RubyLLM.stub(:chat, fake) do
      assert_equal "Big news", HeadlineWriter.new(articles(:one)).headline
    end
  end

  test "with mocha" do
    RubyLLM.stubs(:chat).returns(stub(with_instructions: nil, ask: stub(content: "X")))
    assert_equal "X", HeadlineWriter.new(articles(:one)).headline
  end

  test "ask is stubbed on a fresh chat" do
    RubyLLM::Chat.new.stubs(:ask).returns(OpenStruct.new(content: "Y"))
    assert_equal "Y", HeadlineWriter.new(articles(:one)).headline
  end

  test "works with the real chat class stubbed" do
    RubyLLM::Chat.any_instance.stubs(:ask).returns(OpenStruct.new(content: " Z "))
    assert_equal "Z", HeadlineWriter.new(articles(:one)).headline
  end
end
