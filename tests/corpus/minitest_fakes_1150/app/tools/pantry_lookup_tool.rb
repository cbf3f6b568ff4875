class PantryLookupTool < RubyLLM::Tool
  desc "Looks up what is in the user's pantry"
  param :category, desc: "vegetables, dairy, spices ...", required: false

  def execute(category:)
    Pantry.current.items.where(category: category).pluck(:name)
  end
end
