class Chat < ApplicationRecord
  include Archivable

  acts_as_chat
  belongs_to :workspace

  enum :status, { open: 0, waiting: 1, resolved: 2 }, prefix: true

  scope :titled, -> { where.not(title: [nil, ""]) }

  class << self
    def for_workspace(workspace) = where(workspace: workspace)

    def start_for(workspace, model: "gpt-4.1-mini")
      create!(workspace: workspace, model_id: model)
    end
  end
end
