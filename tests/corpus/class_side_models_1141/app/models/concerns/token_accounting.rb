module TokenAccounting
  extend ActiveSupport::Concern

  module ClassMethods
    def total_tokens
      sum("COALESCE(input_tokens, 0) + COALESCE(output_tokens, 0)")
    end
  end

  def tokens = input_tokens.to_i + output_tokens.to_i
end
