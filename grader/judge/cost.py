"""Money: what a call will cost before it is made (so --max-cost stops before the budget is
exceeded) and what the calls did cost, from litellm's local price table or --judge-price."""

from __future__ import annotations

import threading

from grader.judge.client import load_litellm

EXPECTED_OUTPUT_TOKENS = 700  # a rationale, a few citations and a score


def price_per_token(model: str, price) -> tuple[float, float] | None:
    """(dollars per input token, per output token); None when nobody knows the price."""
    if price is not None:
        return price.input_per_mtok / 1e6, price.output_per_mtok / 1e6
    litellm, _ = load_litellm()
    try:
        pin, pout = litellm.cost_per_token(model=model, prompt_tokens=1_000_000, completion_tokens=1_000_000)
    except Exception:  # noqa: BLE001 - litellm raises for models missing from its table
        return None
    return pin / 1e6, pout / 1e6


class Budget:
    """A spending limit shared by every call of a grade (or of a grade-many run)."""

    def __init__(self, max_usd: float | None):
        self.max_usd = max_usd
        self.spent = 0.0
        self._lock = threading.Lock()

    def reserve(self, estimate: float) -> bool:
        """True when a call estimated at `estimate` dollars fits; the estimate is held until settled."""
        with self._lock:
            if self.max_usd is not None and self.spent + estimate > self.max_usd + 1e-12:
                return False
            self.spent += estimate
            return True

    def settle(self, estimate: float, actual: float) -> None:
        with self._lock:
            self.spent += actual - estimate


def estimate_call(model: str, prompt_tokens: int, price) -> float:
    per = price_per_token(model, price)
    if per is None:
        return 0.0
    # A re-ask doubles the prompt; budget for it so the limit holds with re-asks included.
    return 2 * (prompt_tokens * per[0] + EXPECTED_OUTPUT_TOKENS * per[1])
