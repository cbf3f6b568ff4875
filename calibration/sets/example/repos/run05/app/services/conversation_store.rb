# SYNTHETIC calibration fixture: a conversation store in Rails.cache.
class ConversationStore
  MAX_TURNS = 20

  def self.read(id)
    history = Rails.cache.read("chat:#{id}") || []
    history
  end

  def self.append(id, role, content)
    history = read(id) + [{ role: role, content: content }]
    Rails.cache.write("chat:#{id}", history, expires_in: 12.hours)
  end
end
