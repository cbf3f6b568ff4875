class MemoCount < RubyLLM::Tool
  description "How many memos the user recorded on a day"
  param :day, desc: "ISO date"

  # Overrides the gem's entry point on purpose and still takes its one Hash argument.
  def call(args)
    day = Date.parse(args["day"] || args[:day])
    Memo.where(created_at: day.all_day).count.to_s
  end
end
