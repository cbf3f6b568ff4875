# SYNTHETIC calibration fixture: history in a class variable (process-local).
class ConversationStore
  @@conversations = {}

  def self.read(id)
    @@conversations[id] ||= []
  end

  def self.append(id, role, content)
    read(id) << { role: role, content: content }
  end
end
