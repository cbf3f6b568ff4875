class ChatMaintenanceJob < ApplicationJob
  queue_as :default

  def perform(agent_names)
    Chat.archive_stale!(before: 14.days.ago)
    EscalatedChat.assign_round_robin(agent_names)
    Chat.archived.where(updated_at: ...90.days.ago).in_batches(of: 500).destroy_all
    Chat.purge_archived!
    Message.where(role: "assistant").total_tokens
    Message.stream_reply(Chat.last)
  end
end
