module HomeHelper
end
