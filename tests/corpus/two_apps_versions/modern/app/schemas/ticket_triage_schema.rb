class TicketTriageSchema < RubyLLM::Schema
  string :category, enum: %w[billing bug feature other]
  integer :priority, description: "1 (low) to 4 (urgent)"
  string :summary
end
