class RecipesController < ApplicationController
  def create
    result = RecipeAssistant.new.suggest(params.require(:ingredients))
    render json: result
  rescue RubyLLM::Error => e
    render json: { error: e.message }, status: :bad_gateway
  end
end
