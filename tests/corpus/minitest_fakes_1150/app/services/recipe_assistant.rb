# Suggests recipes from what is in the fridge.
class RecipeAssistant
  SYSTEM = "You are a chef. Suggest one recipe using only the listed ingredients."

  def initialize
    @llm = RubyLLM.chat(provider: :openrouter, assume_model_exists: true)
    @llm.with_instructions(SYSTEM)
    @llm.with_tools(PantryLookupTool, UnitConverterTool, NutritionTool)
    @llm.before_tool_call { |tool_call| Rails.logger.info("calling #{tool_call.name}") }
    @llm.after_message { |message| Rails.logger.info("cost #{message.cost&.total}") }
  end

  def suggest(ingredients)
    reply = @llm.ask("Ingredients: #{ingredients.join(', ')}")
    { recipe: reply.content, model: reply.model_id, tokens: reply.output_tokens }
  end

  def suggest_json(ingredients)
    @llm.complete_chat(prompt: ingredients.join(", "), format: :json)
  end
end
