module Archivable
  extend ActiveSupport::Concern

  included do
    scope :archived, -> { where.not(archived_at: nil) }
    scope :live, -> { where(archived_at: nil) }
  end

  class_methods do
    def archive_stale!(before: 30.days.ago)
      live.where(updated_at: ...before).update_all(archived_at: Time.current)
    end
  end

  def archive!
    update!(archived_at: Time.current)
  end
end
