class Assistant
  TOOLS = [WeatherTool, CalculatorTool, SearchDocsTool, CurrentTimeTool, OrderLookupTool].freeze

  def initialize(model: "claude-sonnet-4")
    @chat = RubyLLM.chat(model: model)
                   .with_instructions("You help customers of ACME.")
                   .with_tools(*TOOLS)
                   .with_temperature(0.3)
  end

  def answer(question)
    @chat.ask(question).content
  end

  def parallel!
    @chat.with_tool(WeatherTool, concurrency: 4)
    @chat.with_tool(CalculatorTool.new, parallel: true)
    self
  end

  def extract_invoice(pdf_path)
    response = RubyLLM.chat.with_schema(InvoiceSchema).ask("Extract the invoice", with: pdf_path)
    data = response.content
    Invoice.create!(number: data["number"], total: data["total"])
  end

  def tune(setting, value)
    @chat.public_send(:"with_#{setting}", value)
  end

  def quick_schema
    RubyLLM::Schema.create do
      string :summary
    end
  end
end
