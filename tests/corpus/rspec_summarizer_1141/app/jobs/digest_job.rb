class DigestJob < ApplicationJob
  def perform(user_id)
    user = User.find(user_id)
    posts = user.posts.where(created_at: 1.day.ago..)
    return if posts.empty?

    summary = Summarizer.new.call(posts.map(&:body).join("\n\n"))
    DigestMailer.with(user: user, summary: summary.summary).daily.deliver_later
  end
end
