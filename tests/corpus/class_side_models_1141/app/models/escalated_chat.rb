# Single-table inheritance: chats a human must look at.
class EscalatedChat < Chat
  scope :oldest_first, -> { order(:created_at) }

  def self.assign_round_robin(agents)
    oldest_first.each_with_index { |chat, i| chat.update!(title: "#{agents[i % agents.size]}: #{chat.title}") }
  end
end
