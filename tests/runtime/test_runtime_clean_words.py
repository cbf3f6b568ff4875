"""`grader runtime clean` counts what it kept by each object's typed reason, not by matching text."""

from __future__ import annotations

from grader.runtime.cli import kept_line
from grader.runtime.engine import Kept, KeptBecause


def test_kept_objects_are_counted_by_their_reason():
    kept = [Kept("image", "a94446313f49", KeptBecause.gem_cache), Kept("container", "0c1d2e3f4a5b", KeptBecause.live),
            Kept("image", "e7a89fcf2491", KeptBecause.gem_cache), Kept("volume", "grader-run-x", KeptBecause.live)]
    assert kept_line(kept) == ("kept 4 object(s): 2 of grading runs still in progress, "
                               "2 of the gem cache that later runs reuse (--all removes them too)")
    assert kept_line(kept[:1]) == "kept 1 object(s): 1 of the gem cache that later runs reuse (--all removes them too)"


def test_each_kept_object_says_why_in_its_description():
    assert str(Kept("container", "0c1d2e3f4a5b", KeptBecause.live)) == "container 0c1d2e3f4a5b (run in progress)"
