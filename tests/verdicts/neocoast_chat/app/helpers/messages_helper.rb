module MessagesHelper
end
