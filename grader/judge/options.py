"""What `grader grade --judge-*` sets: which models, where, how many samples, what it may cost."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

DEFAULT_SAMPLES = 3
DEFAULT_TOKEN_BUDGET = 24_000  # prompt tokens per criterion
DEFAULT_TIMEOUT = 60.0  # seconds per provider call
# Samples must be independent, so not 0; the median absorbs the noise. Providers accept 0..2.
DEFAULT_TEMPERATURE = 0.7
MAX_TEMPERATURE = 2.0
DEFAULT_CACHE = Path(os.environ.get("GRADER_JUDGE_CACHE", Path.home() / ".cache" / "grader" / "judge.sqlite3"))

# Environment variables that carry a provider key, by the litellm model prefix.
PROVIDER_KEYS = {
    "openai": ("OPENAI_API_KEY",),
    "anthropic": ("ANTHROPIC_API_KEY",),
    "gemini": ("GEMINI_API_KEY", "GOOGLE_API_KEY"),
    "mistral": ("MISTRAL_API_KEY",),
    "groq": ("GROQ_API_KEY",),
    "openrouter": ("OPENROUTER_API_KEY",),
    "deepseek": ("DEEPSEEK_API_KEY",),
    "together_ai": ("TOGETHERAI_API_KEY", "TOGETHER_API_KEY"),
    "xai": ("XAI_API_KEY",),
}
KEYLESS_PROVIDERS = {"ollama", "ollama_chat", "lm_studio", "vllm", "hosted_vllm", "llamafile"}


@dataclass
class Price:
    """--judge-price: dollars per million tokens in and out, for models litellm has no price for."""

    input_per_mtok: float
    output_per_mtok: float


@dataclass
class JudgeOptions:
    models: list[str] = field(default_factory=list)
    api_base: str | None = None
    samples: int = DEFAULT_SAMPLES
    max_cost: float | None = None  # USD for this repo (or the grade-many run when a shared budget is given)
    cache_path: Path | None = DEFAULT_CACHE  # None: no cache
    timeout: float = DEFAULT_TIMEOUT
    retries: int = 4  # per call, on 429/5xx/timeouts/connection errors
    backoff: float = 1.0  # first wait in seconds, doubled each retry (Retry-After wins when given)
    token_budget: int = DEFAULT_TOKEN_BUDGET
    temperature: float = DEFAULT_TEMPERATURE  # --judge-temperature; in the cache key and every verdict
    price: Price | None = None
    criteria: list[str] | None = None  # only these criterion ids (grader judge --criterion)
    holistic: bool = True  # also score dimensions the rubric marks `judge_holistic`
    mode: str = "tools"  # instructor mode: tools (function calling) or json
    budget: object | None = None  # a grader.judge.cost.Budget shared in this process; None: see budget_ledger
    budget_ledger: Path | None = None  # SQLite file shared by grade-many's workers: --max-cost for the whole run
    exemplars: dict[str, list[dict]] | None = None  # --exemplars: {criterion id: [exemplar dict]} (calibration/)


@dataclass(frozen=True)
class CannotJudge:
    """Why the judge cannot run with these options: what is missing, and how to give it."""

    what: str  # e.g. "no --judge-model given"
    how: str | None = None  # a hint for a command that cannot go on without the judge

    @property
    def pending(self) -> str:
        """As a grade reports it: the rest of the grade completes, the judge's points wait."""
        return f"{self.what}: judge criteria pending"

    @property
    def stop(self) -> str:
        """As `grader judge` says it: judging is all that command does."""
        return f"{self.what} ({self.how})" if self.how else self.what


def cannot_judge(options: JudgeOptions) -> CannotJudge | None:
    """Whether the judge can run here: None, or what is missing (no model, or no key and no api base)."""
    if not options.models:
        return CannotJudge("no --judge-model given", "e.g. --judge-model openai/gpt-4.1-mini; with "
                           "--judge-api-base URL for an OpenAI-compatible server")
    if options.api_base:
        return None
    for model in options.models:
        provider = model.split("/", 1)[0] if "/" in model else "openai"
        if provider in KEYLESS_PROVIDERS:
            continue
        names = PROVIDER_KEYS.get(provider, (f"{provider.upper()}_API_KEY",))
        if not any(os.environ.get(n) for n in names):
            return CannotJudge(f"no API key for {model} ({' or '.join(names)} unset) and no --judge-api-base")
    return None


def missing_key_reason(options: JudgeOptions) -> str | None:
    """Why a grade's judge stage is skipped for lack of a model or key (cannot_judge, in a grade's words)."""
    cannot = cannot_judge(options)
    return cannot.pending if cannot else None


class OptionError(ValueError):
    """A judge option the user got wrong; the CLI prints it on one line and exits 2."""


def parse_price(text: str | None) -> Price | None:
    """--judge-price IN,OUT in dollars per million tokens (e.g. 0.4,1.6)."""
    if not text:
        return None
    try:
        pin, pout = (float(x) for x in text.split(","))
    except ValueError:
        raise OptionError(f"--judge-price takes IN,OUT dollars per million tokens (e.g. 0.4,1.6), "
                          f"not {text!r}") from None
    if pin < 0 or pout < 0:
        raise OptionError("--judge-price: prices cannot be negative")
    return Price(pin, pout)


def build_options(models: list[str] | None, api_base: str | None = None, samples: int = DEFAULT_SAMPLES,
                  max_cost: float | None = None, cache: Path | None = None, no_cache: bool = False,
                  price: str | None = None, timeout: float = DEFAULT_TIMEOUT,
                  token_budget: int = DEFAULT_TOKEN_BUDGET, criteria: list[str] | None = None,
                  mode: str = "tools", temperature: float | None = None) -> JudgeOptions:
    """Judge options from command-line values, checked (OptionError with a one-line message)."""
    if samples < 1:
        raise OptionError("--judge-samples must be at least 1")
    if max_cost is not None and max_cost < 0:
        raise OptionError("--max-cost cannot be negative")
    if timeout <= 0:
        raise OptionError("--judge-timeout must be positive")
    if token_budget < 1000:
        raise OptionError("--judge-token-budget must be at least 1000 tokens")
    if temperature is None:
        temperature = DEFAULT_TEMPERATURE
    if not 0.0 <= temperature <= MAX_TEMPERATURE:
        raise OptionError(f"--judge-temperature must be between 0 and {MAX_TEMPERATURE:g}, not {temperature:g}")
    if mode not in ("tools", "json"):
        raise OptionError("--judge-mode is tools or json")
    if api_base and not api_base.startswith(("http://", "https://")):
        raise OptionError(f"--judge-api-base must be an http(s) URL, not {api_base!r}")
    return JudgeOptions(models=list(models or []), api_base=api_base, samples=samples, max_cost=max_cost,
                        cache_path=None if no_cache else (cache or DEFAULT_CACHE), price=parse_price(price),
                        timeout=timeout, token_budget=token_budget, criteria=list(criteria) if criteria else None,
                        mode=mode, temperature=temperature)
