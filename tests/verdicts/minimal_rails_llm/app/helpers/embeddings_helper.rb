module EmbeddingsHelper
end
