require "rails_helper"

RSpec.describe TriageService do
  let(:ticket) { build(:ticket, body: "I was charged twice") }
  let(:reply) { instance_double("RubyLLM::Message", content: "billing", confidence: 0.93) }
  let(:chat) { instance_double("RubyLLM::Chat", ask: reply) }

  before { allow(described_class).to receive(:classifier).and_return(chat) }

  it "classifies" do
    expect(described_class.new(ticket).category).to eq("billing")
  end
end
