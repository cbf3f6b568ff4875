# Test double for RubyLLM::Chat used by service tests.
class FakeChat
  Chunk = Struct.new(:content)

  attr_reader :asked

  def initialize(chunks = %w[Hel lo])
    @chunks = chunks
    @asked = []
  end

  def ask(question, stream: true, &block)
    @asked << question
    @chunks.each { |c| block&.call(Chunk.new(c)) }
  end

  def stream(question, &block)
    ask(question, &block)
  end

  def with_thinking(**) = self
  def on_end_message(&) = self
  def on_tool_result(&) = self
end
