import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "scoring"))
from scoring_helpers import Grader  # noqa: E402


@pytest.fixture(scope="session")
def graded(tmp_path_factory):
    """graded.grade(app, rubric) -> GradeReport, cached for the session."""
    return Grader(tmp_path_factory.mktemp("graded_apps"))
