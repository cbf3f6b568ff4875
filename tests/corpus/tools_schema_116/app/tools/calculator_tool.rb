class CalculatorTool < ApplicationTool
  desc "Evaluates a math expression"
  param :expression, desc: "A math expression like 2 + 2"

  def execute(expr:)
    Dentaku::Calculator.new.evaluate!(expr).to_s
  rescue Dentaku::Error => e
    "Error: #{e.message}"
  end
end
