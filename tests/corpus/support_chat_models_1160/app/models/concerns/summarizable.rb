module Summarizable
  extend ActiveSupport::Concern

  included do
    before_save :refresh_summary, if: :title_changed?
  end

  def refresh_summary
    self.summary = title.to_s.truncate(80)
  end
end
