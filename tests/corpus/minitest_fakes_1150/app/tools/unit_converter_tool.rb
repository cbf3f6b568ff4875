class UnitConverterTool < RubyLLM::Tool
  description "Converts kitchen units"
  param :amount, type: :number, desc: "How much"
  param :from, desc: "Source unit"
  param :to, desc: "Target unit"

  def execute(amount:, from:, to:)
    Units.convert(amount.to_f, from, to)
  end
end
