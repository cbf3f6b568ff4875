class UnitConverterTool < RubyLLM::Tool
  description "Converts kitchen units"
  param :amount, type: :number, desc: "How much"
  param :from, desc: "Source unit"
  param :to, desc: "Target unit"

  def execute(amount:, from:, to:)
    Units.convert(amount.to_f, from, to)
  end
end

class TemperatureTool < RubyLLM::Tool
  description "Converts temperatures"
  param :degrees, type: :number, description: "Temperature value"
  param :scale, desc: "C or F", enum: %w[C F]

  def execute(degrees:, scale:)
    scale == "C" ? degrees * 9 / 5 + 32 : (degrees - 32) * 5 / 9
  end
end
