"""Static analysis of Ruby repositories with tree-sitter.

Usable on its own: `static_checks.engine.check_path()` or the `static-checks` command.
Nothing here imports the heavier grader stages (docker, litellm).
"""

__version__ = "0.1.0"
