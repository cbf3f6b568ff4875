module ChatHelper
end
