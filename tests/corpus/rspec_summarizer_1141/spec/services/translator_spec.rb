require "rails_helper"

RSpec.describe Translator do
  it "translates" do
    fake_chat = double("chat", with_instructions: nil, with_params: nil, before_message: nil,
                               on_end_message: nil, ask: double(content: "Hallo"), translate: "Hallo")
    allow(RubyLLM).to receive(:chat).and_return(fake_chat)
    expect(described_class.new("German").translate("Hello")).to eq("Hallo")
  end
end
