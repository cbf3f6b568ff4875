"""Render the judge's messages from the versioned templates in judge_prompts/."""

from __future__ import annotations

import hashlib
from functools import lru_cache
from pathlib import Path

TEMPLATES = ("criterion.j2", "reask.j2", "system.j2")


def prompts_dir() -> Path:
    here = Path(__file__).resolve().parent
    for candidate in (here.parent.parent / "judge_prompts", here.parent / "_data" / "judge_prompts"):
        if (candidate / "system.j2").is_file():
            return candidate
    raise FileNotFoundError("judge_prompts/ templates not found")


@lru_cache(maxsize=1)
def _env():
    import jinja2

    return jinja2.Environment(loader=jinja2.FileSystemLoader(str(prompts_dir())), autoescape=False,
                              undefined=jinja2.StrictUndefined, keep_trailing_newline=True)


@lru_cache(maxsize=1)
def prompt_version() -> str:
    """sha256 over the templates (name and bytes), shortened: the provenance of every verdict."""
    digest = hashlib.sha256()
    for name in TEMPLATES:
        digest.update(name.encode() + b"\0" + (prompts_dir() / name).read_bytes() + b"\0")
    return "sha256:" + digest.hexdigest()[:16]


@lru_cache(maxsize=1)
def exemplars_version() -> str:
    """sha256 of exemplars.j2: kept out of prompt_version so grades without --exemplars are unchanged."""
    return "sha256:" + hashlib.sha256((prompts_dir() / "exemplars.j2").read_bytes()).hexdigest()[:16]


def render(name: str, **values) -> str:
    return _env().get_template(name).render(**values)


def derived_token(*parts: str, n: int = 12) -> str:
    """A token derived from the request's content: the same request renders the same prompt (so it
    caches), while the repo cannot know it without our template and its own hash."""
    return hashlib.sha256("\0".join(parts).encode()).hexdigest()[:n]
