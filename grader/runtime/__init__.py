"""Runtime stage: build, boot, test and gate a graded repo inside Docker.

Names load on first use (PEP 562): importing grader.runtime (e.g. for the CLI sub-app) pulls in
neither docker nor the stage; only run_runtime imports the docker SDK, when it runs.
"""

from importlib import import_module

_EXPORTS = {
    "RuntimeReport": "grader.runtime.models",
    "StepStatus": "grader.runtime.models",
    "RuntimeOptions": "grader.runtime.options",
    "Timeouts": "grader.runtime.options",
    "Limits": "grader.runtime.options",
    "run_runtime": "grader.runtime.stage",
    "cancel_all_runs": "grader.runtime.stage",
    "runtime_facts": "grader.runtime.facts",
}

__all__ = sorted(_EXPORTS)


def __getattr__(name: str):
    if name in _EXPORTS:
        return getattr(import_module(_EXPORTS[name]), name)
    raise AttributeError(f"module 'grader.runtime' has no attribute {name!r}")
