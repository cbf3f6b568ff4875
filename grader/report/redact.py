"""Moved to grader.core.redact (every stage masks the same way); kept so existing imports work."""

from grader.core.redact import redact, redact_finding

__all__ = ["redact", "redact_finding"]
