import os

import pytest

os.environ["LITELLM_LOCAL_MODEL_COST_MAP"] = "True"

from fake_llm import FakeLLM  # noqa: E402
from judge_repos import make_repo  # noqa: E402

@pytest.fixture
def fake_llm():
    server = FakeLLM().start()
    yield server
    server.stop()


@pytest.fixture
def repo(tmp_path):
    return make_repo(tmp_path / "repo")
