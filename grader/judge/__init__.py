"""Stage 4: the structured LLM judge. Importing this package loads neither litellm nor instructor;
they load when a model is first asked (grader/judge/client.py)."""

from grader.judge.models import EvidenceCitation, JudgeReport, Verdict
from grader.judge.options import JudgeOptions

__all__ = ["EvidenceCitation", "JudgeOptions", "JudgeReport", "JudgeStage", "Verdict"]


def __getattr__(name: str):
    if name == "JudgeStage":
        from grader.judge.stage import JudgeStage

        return JudgeStage
    raise AttributeError(name)
