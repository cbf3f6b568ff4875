module DocumentsHelper
end
