"""Money: what a call will cost before it is made (so --max-cost stops before the budget is
exceeded) and what the calls did cost, from litellm's local price table or --judge-price."""

from __future__ import annotations

import sqlite3
import threading
import time
from pathlib import Path

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


class LedgerBudget(Budget):
    """A spending limit shared by several processes (grade-many runs one worker per repo): every
    reservation and settlement is a row in a SQLite file, summed inside an immediate transaction."""

    def __init__(self, max_usd: float | None, ledger: Path):
        super().__init__(max_usd)
        self.ledger = Path(ledger)
        self.ledger.parent.mkdir(parents=True, exist_ok=True)
        with self._connect() as db:
            db.execute("CREATE TABLE IF NOT EXISTS spend (at REAL, usd REAL NOT NULL)")

    def _connect(self) -> sqlite3.Connection:
        return sqlite3.connect(str(self.ledger), timeout=60, isolation_level=None)

    def _total(self, db: sqlite3.Connection) -> float:
        return float(db.execute("SELECT COALESCE(SUM(usd), 0) FROM spend").fetchone()[0])

    def reserve(self, estimate: float) -> bool:
        db = self._connect()
        try:
            db.execute("BEGIN IMMEDIATE")
            total = self._total(db)
            if self.max_usd is not None and total + estimate > self.max_usd + 1e-12:
                db.execute("ROLLBACK")
                return False
            db.execute("INSERT INTO spend VALUES (?, ?)", (time.time(), estimate))
            db.execute("COMMIT")
            self.spent = total + estimate
            return True
        finally:
            db.close()

    def settle(self, estimate: float, actual: float) -> None:
        with self._lock:
            db = self._connect()
            try:
                db.execute("INSERT INTO spend VALUES (?, ?)", (time.time(), actual - estimate))
            finally:
                db.close()


def make_budget(options) -> Budget:
    """The repo's own budget, or the run's shared one when the options name a ledger file."""
    if isinstance(options.budget, Budget):
        return options.budget
    if options.budget_ledger is not None:
        return LedgerBudget(options.max_cost, options.budget_ledger)
    return Budget(options.max_cost)


def estimate_call(model: str, prompt_tokens: int, price) -> float:
    per = price_per_token(model, price)
    if per is None:
        return 0.0
    # A re-ask doubles the prompt; budget for it so the limit holds with re-asks included.
    return 2 * (prompt_tokens * per[0] + EXPECTED_OUTPUT_TOKENS * per[1])
