class SearchDocsTool < ApplicationTool
  description "Searches the knowledge base"
  param :query, desc: "Search terms"
  param :limit, type: :integer, desc: "Max results", required: false

  def call_search(query:, limit: 5)
    Document.search(query).limit(limit).map(&:title)
  end
end
