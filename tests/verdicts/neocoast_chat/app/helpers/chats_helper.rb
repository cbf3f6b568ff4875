module ChatsHelper
end
