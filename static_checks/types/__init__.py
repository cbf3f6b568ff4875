"""Receiver type inference for RubyLLM calls.

`analyze(ctx)` builds (once per app root, cached in ctx.cache) the project model and an
`Inferer`; `resolve_receiver(call, scope)` answers "is this receiver a RubyLLM object?".
"""

from static_checks.types.infer import Inferer
from static_checks.types.project import Project, build_project
from static_checks.types.ref import TypeRef
from static_checks.types.scan import FileScan, Scope, scan_file

__all__ = ["Inferer", "Project", "build_project", "TypeRef", "FileScan", "Scope", "scan_file"]
