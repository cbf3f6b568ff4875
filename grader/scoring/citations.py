"""Which facts decided a rule, so a report cites those and not every fact the rule mentions.

A rule that fired cites the conditions that made it true (the branch of an `any` that held, not its
siblings); a rule that did not fire cites the conditions that made it false (the absence or presence
it checked). Unknown facts decide nothing and are never cited.
"""

from __future__ import annotations

from grader.rubric.predicates import AllOf, AnyOf, FactLookup, FactTest, NotOf, Truth


def deciding_tests(pred, facts: FactLookup, want: Truth) -> list[tuple[FactTest, bool]]:
    """The leaf tests that make `pred` evaluate to `want` (true or false), in rubric order, each with
    whether the test itself held (False: it decided by failing, e.g. under a `not` or in a false `all`)."""
    out: list[tuple[FactTest, bool]] = []
    _collect(pred, facts, want, out)
    return out


def deciding_fact_ids(pred, facts: FactLookup, want: Truth) -> list[str]:
    return list(dict.fromkeys(test.fact for test, _ in deciding_tests(pred, facts, want)))


def describe_deciding(pred, facts: FactLookup, want: Truth) -> str:
    """The deciding conditions in the rubric's own terms, e.g. `gem.bundler_audit equals False`."""
    return "; ".join(("" if held else "not ") + test.describe() for test, held in deciding_tests(pred, facts, want))


def _collect(pred, facts: FactLookup, want: Truth, out: list) -> None:
    truth, _ = pred.evaluate(facts)
    if truth is not want:
        return
    if isinstance(pred, FactTest):
        out.append((pred, want is Truth.true))  # reached only when the test evaluates to `want`
    elif isinstance(pred, NotOf):
        _collect(pred.not_, facts, Truth.false if want is Truth.true else Truth.true, out)
    elif isinstance(pred, (AllOf, AnyOf)):
        # all() is true through every child and false through each false one; any() the other way
        # round: either way the children that evaluate to `want` are the ones that decided.
        for child in pred.all if isinstance(pred, AllOf) else pred.any:
            _collect(child, facts, want, out)
