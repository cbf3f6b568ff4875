class AssistantsController < ApplicationController
  def create
    persona = AssistantPersona.new.system("Be terse").user(params[:context].to_s)
    render json: { answer: persona.ask(params[:question]) }
  end

  def show
    @model_info = RubyLLM.models.find(params[:model_id])
  end
end
