class Article < ApplicationRecord
  after_create_commit :generate_headline, if: -> { headline.blank? }

  private

  def generate_headline
    update!(headline: HeadlineWriter.new(self).headline)
  rescue RubyLLM::Error => e
    Rails.logger.warn("headline failed: #{e.message}")
    update!(headline: RawSummary.call(body).to_s.truncate(80))
  end
end
