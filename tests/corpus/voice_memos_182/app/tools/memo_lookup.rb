class MemoLookup < RubyLLM::Tool
  description "Finds earlier memos that mention a phrase"
  param :phrase, desc: "Words to look for"

  def call(phrase:)
    Memo.where("transcript LIKE ?", "%#{phrase}%").limit(5).pluck(:title).join(", ")
  end
end
