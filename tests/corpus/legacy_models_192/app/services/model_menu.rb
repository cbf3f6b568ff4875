class ModelMenu
  def anthropic_options
    RubyLLM.models.select(provider: "anthropic").map(&:id)
  end

  def chat_options
    RubyLLM.models.chat_models.select { |m| m.provider == "anthropic" }.first(8).map(&:name)
  end

  def grouped
    RubyLLM.models.group_by(&:provider).transform_values(&:count)
  end
end
