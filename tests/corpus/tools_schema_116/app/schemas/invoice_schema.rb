class InvoiceSchema < RubyLLM::Schema
  description "An invoice extracted from a PDF"

  string :number, description: "Invoice number"
  number :total
  string :currency, enum: %w[EUR USD GBP]
  boolean :paid, required: false
  array :line_items do
    object do
      string :label
      number :amount
    end
  end
  object :customer do
    string :name
    string :email, format: "email"
  end
  enum :status, values: %w[draft sent paid]
  field :notes, type: :string
end
