"""grader: grade coding-agent repositories from facts first, an LLM judge last."""

__version__ = "0.1.0"
