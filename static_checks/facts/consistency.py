"""Checks across facts: pairs of values no true reading of one repo can produce together.

`inconsistencies(facts)` takes the collected facts (a list or an id -> Fact mapping) and returns
one line per contradiction, so a report can show them and a test can keep them at zero. A fact
that is unknown (None) never contradicts anything.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from typing import Any

Values = Mapping[str, Any]

# (why, holds): `holds(values)` is True when the pair is consistent.
CHECKS: list[tuple[str, Callable[[Values], bool]]] = [
    ("a chat record that keeps the history needs a database store",
     lambda v: v["rubyllm.multi_turn"] != "persisted_chat" or v["persistence.strategy"] == "database"),
    ("rescued provider calls cannot outnumber provider calls",
     lambda v: v["errors.llm_calls_rescued"] <= v["errors.llm_calls"]),
    ("'no_llm_calls' only when no provider call was found",
     lambda v: (v["errors.rescue_around_llm"] == "no_llm_calls") == (v["errors.llm_calls"] == 0)),
    ("a degraded UI is reached from a rescue of a provider failure",
     lambda v: not v["errors.degraded_ui"] or v["errors.rescue_around_llm"] in ("all", "some")),
    ("a service object holding the LLM access implies a provider call",
     lambda v: v["arch.service_objects"] == 0 or v["errors.llm_calls"] > 0),
    ("tests reaching the LLM path need a test case",
     lambda v: not v["tests.reach_llm_path"] or v["tests.count"] > 0),
    ("LLM text made raw needs a raw output",
     lambda v: not v["security.unsafe_html_on_message"] or v["security.unsafe_html"] > 0),
    ("asking or reading replies is use of RubyLLM",
     lambda v: not (v["rubyllm.ask"] or v["rubyllm.reads_content"]) or v["rubyllm.used"]),
    ("a cap or TTL bounds a store that exists",
     lambda v: not (v["persistence.cap"] or v["persistence.ttl"]) or v["persistence.strategy"] != "none"),
    ("a persisted chat is multi-turn only with an acts_as_chat entry point",
     lambda v: v["rubyllm.multi_turn"] != "persisted_chat" or "acts_as_chat" in v["rubyllm.entry_points"]),
    ("a calculator that evals is a calculator",
     lambda v: not v["tools.calculator_uses_eval"] or v["tools.count"] > 0),
]


def _values(facts: Iterable | Mapping) -> dict[str, Any]:
    items = facts.values() if isinstance(facts, Mapping) else facts
    return {f.id: f.value for f in items}


def inconsistencies(facts: Iterable | Mapping) -> list[str]:
    values = _values(facts)
    out = []
    for why, holds in CHECKS:
        try:
            ok = holds(_Known(values))
        except _Unknown:
            continue
        if not ok:
            out.append(why)
    return out


class _Unknown(Exception):
    pass


class _Known(dict):
    """A fact read inside a check: unknown (None or missing) skips that check."""

    def __init__(self, values: Mapping[str, Any]):
        super().__init__(values)

    def __getitem__(self, key: str) -> Any:
        value = self.get(key)
        if value is None:
            raise _Unknown(key)
        return value
