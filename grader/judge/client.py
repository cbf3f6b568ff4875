"""One structured call to a model through litellm + instructor, with our own retry policy:
backoff on 429/5xx/timeouts/connection errors honouring Retry-After, a per-call timeout, and a
single instructor re-ask when the answer does not validate (malformed JSON, score out of range).

litellm is imported here only, lazily, after pinning it to its local cost map and switching off
everything that could reach the network on its own."""

from __future__ import annotations

import json
import os
import time
from dataclasses import dataclass, field
from typing import Any

from pydantic import ValidationError

from grader.core.stage import CancelToken


class ProviderError(Exception):
    """The provider did not answer usably after the retries (outage, auth, bad request...)."""


class AnswerInvalid(Exception):
    """The model answered, but not in the required shape, even after instructor's re-ask."""


@dataclass
class CallRecord:
    """One HTTP exchange that returned a completion: what it used and cost."""

    tokens_in: int = 0
    tokens_out: int = 0
    cost_usd: float = 0.0


@dataclass
class CallLog:
    records: list[CallRecord] = field(default_factory=list)
    attempts: int = 0  # HTTP requests made, errors included
    errors: list[str] = field(default_factory=list)


_litellm = None


def load_litellm():
    """Import litellm and instructor once, offline: local cost map, no telemetry, no callbacks."""
    global _litellm
    if _litellm is None:
        os.environ["LITELLM_LOCAL_MODEL_COST_MAP"] = "True"
        os.environ.setdefault("LITELLM_TELEMETRY", "False")
        os.environ.setdefault("DISABLE_AIOHTTP_TRANSPORT", "True")
        import instructor
        import litellm

        litellm.telemetry = False
        litellm.suppress_debug_info = True
        litellm.drop_params = True  # a provider that lacks e.g. temperature ignores it rather than failing
        litellm.success_callback = []
        litellm.failure_callback = []
        _litellm = (litellm, instructor)
    return _litellm


def _retry_after(exc: BaseException) -> float | None:
    headers = getattr(exc, "litellm_response_headers", None) or getattr(getattr(exc, "response", None), "headers", None)
    if not headers:
        return None
    value = headers.get("retry-after") or headers.get("Retry-After")
    try:
        return max(0.0, float(value)) if value is not None else None
    except ValueError:
        return None  # an HTTP date: fall back to our own backoff


def _is_transient(exc: BaseException) -> bool:
    litellm, _ = load_litellm()
    transient = (litellm.RateLimitError, litellm.InternalServerError, litellm.ServiceUnavailableError,
                 litellm.Timeout, litellm.APIConnectionError, litellm.BadGatewayError)
    return isinstance(exc, transient)


def _cause(exc: BaseException) -> BaseException:
    """instructor wraps provider errors in InstructorRetryException; the provider's error is the cause."""
    seen = exc
    while getattr(seen, "__cause__", None) is not None and type(seen).__name__.startswith("Instructor"):
        seen = seen.__cause__  # type: ignore[assignment]
    return seen


def _one_line(exc: BaseException) -> str:
    text = " ".join(str(exc).split())
    return f"{type(exc).__name__}: {text}"[:300]


def _record(response: Any, model: str, price) -> CallRecord:
    usage = getattr(response, "usage", None)
    tin = int(getattr(usage, "prompt_tokens", 0) or 0)
    tout = int(getattr(usage, "completion_tokens", 0) or 0)
    if price is not None:
        cost = (tin * price.input_per_mtok + tout * price.output_per_mtok) / 1e6
    else:
        litellm, _ = load_litellm()
        try:
            cost = float(litellm.completion_cost(completion_response=response, model=model) or 0.0)
        except Exception:  # noqa: BLE001 - a model litellm has no price for costs what --judge-price says (0 unset)
            cost = 0.0
    return CallRecord(tokens_in=tin, tokens_out=tout, cost_usd=cost)


def ask(model: str, messages: list[dict], answer_cls: type, options, log: CallLog,
        cancel: CancelToken | None = None) -> Any:
    """The validated answer, or AnswerInvalid / ProviderError. Every completion is logged with its cost."""
    litellm, instructor = load_litellm()
    mode = instructor.Mode.JSON if options.mode == "json" else instructor.Mode.TOOLS
    client = instructor.from_litellm(litellm.completion, mode=mode)

    def on_response(response: Any) -> None:
        log.records.append(_record(response, model, options.price))

    client.on("completion:response", on_response)
    kwargs: dict[str, Any] = {"model": model, "messages": messages, "response_model": answer_cls,
                              "max_retries": 1,  # instructor: one re-ask on an invalid answer
                              "num_retries": 0,  # litellm/openai SDK: no hidden retries, ours below
                              "timeout": options.timeout, "temperature": options.temperature}
    if options.api_base:
        kwargs["api_base"] = options.api_base
        kwargs.setdefault("api_key", os.environ.get("GRADER_JUDGE_API_KEY") or "sk-no-key-needed")
    delay = options.backoff
    for attempt in range(options.retries + 1):
        before = len(log.records)
        log.attempts += 1
        try:
            return client.chat.completions.create(**kwargs)
        except Exception as exc:  # noqa: BLE001 - sorted below into transient, invalid answer, fatal
            cause = _cause(exc)
            if _is_validation(cause) or (len(log.records) > before and not _is_transient(cause)):
                raise AnswerInvalid(_one_line(cause)) from exc
            log.errors.append(_one_line(cause))
            if not _is_transient(cause) or attempt == options.retries:
                raise ProviderError(_one_line(cause)) from exc
            wait = _retry_after(cause)
            wait = delay if wait is None else min(wait, 120.0)
            delay *= 2
            if cancel is not None and cancel.wait(wait):
                raise ProviderError("cancelled while waiting to retry") from exc
            if cancel is None:
                time.sleep(wait)
    raise ProviderError("retries exhausted")  # pragma: no cover - the loop returns or raises


def _is_validation(exc: BaseException) -> bool:
    return isinstance(exc, (ValidationError, json.JSONDecodeError))
