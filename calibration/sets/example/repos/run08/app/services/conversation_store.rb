# SYNTHETIC calibration fixture: history kept in the cookie session.
class ConversationStore
  def self.read(session)
    session[:history] ||= []
  end

  def self.append(session, role, content)
    read(session) << { "role" => role, "content" => content }
  end
end
