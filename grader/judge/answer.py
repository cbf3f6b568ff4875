"""The structured answer asked of the model for one criterion (instructor validates it)."""

from __future__ import annotations

from functools import lru_cache

from pydantic import BaseModel, Field, create_model


class CitedLines(BaseModel):
    """Lines of the repo that support the score, quoted exactly as they appear in the numbered excerpt."""

    file: str = Field(description="path relative to the repository root, as shown in the excerpt header")
    start_line: int = Field(ge=1)
    end_line: int = Field(ge=1)
    quote: str = Field(description="text copied verbatim from those lines (without the line numbers)")


class FactRelied(BaseModel):
    """A given fact the answer relies on, with the value the answer assumes it has."""

    fact: str
    value: str | int | float | bool | list | None = None


class _AnswerBase(BaseModel):
    rationale: str = Field(description="two to four sentences: why this score, referring to the evidence")
    evidence: list[CitedLines] = Field(default_factory=list, description="1-5 citations supporting the score")
    relies_on: list[FactRelied] = Field(default_factory=list,
                                        description="given facts (by id) the answer relies on, with their value")
    instructions_token: str = Field(description="the token given at the end of the request")


@lru_cache(maxsize=64)
def answer_model(max_points: float) -> type[_AnswerBase]:
    """The answer class for a criterion worth `max_points`: the score must lie in [0, max_points]."""
    return create_model(  # type: ignore[call-overload]
        "JudgeAnswer",
        __base__=_AnswerBase,
        score=(float, Field(ge=0, le=max_points, description=f"points awarded, from 0 to {max_points:g}")),
    )
