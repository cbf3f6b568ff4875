class NutritionTool < RubyLLM::Tool
  description "Returns calories for an ingredient"
  param :ingredient, desc: "Ingredient name"

  def perform(ingredient:)
    NutritionTable.lookup(ingredient)
  end
end
