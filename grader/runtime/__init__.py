"""Runtime stage: build, boot, test and gate a graded repo inside Docker.

Importing this package does not import docker; only run_runtime does, when it runs.
"""

from grader.runtime.facts import runtime_facts
from grader.runtime.models import RuntimeReport, StepStatus
from grader.runtime.options import Limits, RuntimeOptions, Timeouts
from grader.runtime.stage import run_runtime

__all__ = ["Limits", "RuntimeOptions", "RuntimeReport", "StepStatus", "Timeouts", "run_runtime", "runtime_facts"]
