class OrderLookupTool < ApplicationTool
  description "Looks up an order by number"
  params do
    string :number, description: "Order number"
  end

  def execute(number:)
    order = current_account.orders.find_by(number: number)
    order ? order.as_json(only: %i[number status total]) : halt("No such order")
  end
end
