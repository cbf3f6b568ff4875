import pytest
from scoring_helpers import Grader


@pytest.fixture(scope="session")
def graded(tmp_path_factory):
    """graded.grade(app, rubric) -> GradeReport, cached for the session."""
    return Grader(tmp_path_factory.mktemp("graded_apps"))
