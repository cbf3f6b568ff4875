"""Stage 4: the structured LLM judge. Imports litellm/instructor lazily, only when it asks."""
