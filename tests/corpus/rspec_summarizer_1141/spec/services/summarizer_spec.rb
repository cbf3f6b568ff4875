require "rails_helper"

RSpec.describe Summarizer do
  let(:chat) { instance_double(RubyLLM::Chat) }
  let(:response) do
    instance_double(RubyLLM::Message, content: "- a\n- b\n- c", input_tokens: 10, output_tokens: 5, text: "- a")
  end

  before do
    allow(RubyLLM).to receive(:chat).and_return(chat)
    allow(chat).to receive(:with_instructions).and_return(chat)
    allow(chat).to receive(:with_temperature).and_return(chat)
    allow(chat).to receive(:with_system_prompt).and_return(chat)
    allow(chat).to receive(:ask).and_return(response)
  end

  it "returns the summary" do
    result = described_class.new.call("long text")
    expect(result.summary).to eq("- a\n- b\n- c")
    expect(chat).to have_received(:ask).with(/Summarize/)
  end

  it "counts tokens" do
    expect(described_class.new.call("x").tokens).to eq(15)
  end

  context "when the provider fails" do
    before do
      allow_any_instance_of(RubyLLM::Chat).to receive(:generate).and_raise(RubyLLM::RateLimitError)
    end

    it "raises" do
      allow(chat).to receive(:ask).and_raise(RubyLLM::RateLimitError.new(nil, "slow down"))
      expect { described_class.new.call("x") }.to raise_error(RubyLLM::RateLimitError)
    end
  end
end
