"""Compose file discovery and static validation."""

import pytest

from grader.runtime.compose import COMPOSE_NAMES, check_compose, find_compose_file
from grader.runtime.models import StepStatus

GOOD = ("services:\n  web:\n    build: .\n    ports: ['3000:3000']\n    environment:\n"
        "      OPENROUTER_API_KEY: ${OPENROUTER_API_KEY}\n")


@pytest.mark.parametrize("name", COMPOSE_NAMES)
def test_each_of_the_four_names_is_found(tmp_path, name):
    (tmp_path / name).write_text(GOOD)
    assert find_compose_file(tmp_path).name == name
    step = check_compose(tmp_path, 10)
    assert step.status is StepStatus.ok, step.problems
    assert step.file == name and step.services == ["web"]


def test_missing_file_is_a_failure_with_reason(tmp_path):
    step = check_compose(tmp_path, 10)
    assert step.status is StepStatus.failed and "no compose file" in step.reason


@pytest.mark.parametrize(
    "text, problem",
    [
        ("services: [", "not valid YAML"),
        ("version: '3'\n", "no `services`"),
        ("services:\n  web:\n    ports: ['3000:3000']\n", "neither `image` nor `build`"),
        ("services:\n  web:\n    build: ../outside\n", "not a folder inside the repo"),
        ("services:\n  web:\n    image: x\n    ports: ['http:web']\n", "port"),
        ("services:\n  web:\n    image: x\n    environment:\n      - OPENROUTER_API_KEY=sk-or-v1-abc\n",
         "literal value"),
        ("services:\n  web:\n    build:\n      context: .\n      dockerfile: Dockerfile.prod\n", "not found"),
    ],
)
def test_invalid_compose_files(tmp_path, text, problem):
    (tmp_path / "compose.yaml").write_text(text)
    step = check_compose(tmp_path, 10)
    assert step.status is StepStatus.failed and step.valid is False
    assert problem in step.reason
