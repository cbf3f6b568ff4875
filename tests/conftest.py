"""Process-wide state of the static pass, put back after every test."""

import pytest

from grader.core import budget


@pytest.fixture(autouse=True)
def _no_repo_budget_left_over():
    # The repo budget lives in a context variable that the pass sets as it starts; a test that spends it
    # (a 0 s budget) must not leave it spent for a later test that parses without starting a new one.
    token = budget._REPO.set(budget.NO_DEADLINE)
    yield
    budget._REPO.reset(token)
