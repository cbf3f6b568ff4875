require "test_helper"

class RawSummaryTest < ActiveSupport::TestCase
  test "parses the provider response" do
    stub_request(:post, "https://openrouter.ai/api/v1/chat/completions")
      .to_return(body: { choices: [{ message: { content: "short" } }] }.to_json)
    assert_equal "short", RawSummary.call("long")
  end
end
