"""`grader runtime clean` counts what it kept by each object's typed reason, in words true to the objects:
gem caches are the tagged images, their layers are counted as layers of them."""

from __future__ import annotations

from grader.runtime.cli import kept_line
from grader.runtime.engine import Kept, KeptBecause


def _cache(tags: int, layers: int) -> list[Kept]:
    return ([Kept("image", f"c{n}", KeptBecause.gem_cache) for n in range(tags)]
            + [Kept("image", f"l{n}", KeptBecause.cache_layer) for n in range(layers)])


def test_gem_caches_are_counted_as_caches_with_their_layers():
    # This engine's state before the fix: 2 tagged caches of 6 layers each (the leftover is gone now).
    assert kept_line(_cache(2, 10)) == "kept 2 gem caches (12 layers) that later runs reuse (--all removes them too)"
    assert kept_line(_cache(1, 0)) == "kept 1 gem cache (1 layer) that later runs reuse (--all removes them too)"


def test_objects_of_live_runs_are_counted_by_kind():
    kept = [*_cache(1, 5), Kept("container", "0c1d2e3f4a5b", KeptBecause.live),
            Kept("image", "e7a89fcf2491", KeptBecause.live), Kept("image", "e7a89fcf2492", KeptBecause.live),
            Kept("volume", "grader-run-x", KeptBecause.live), Kept("image", "u1", KeptBecause.under_live)]
    assert kept_line(kept) == ("kept 1 gem cache (6 layers) that later runs reuse; 1 container, 2 images and "
                               "1 volume of grading runs still in progress; 1 layer that runs in progress build on "
                               "(--all removes them too)")
    assert kept_line(kept[8:10]) == ("kept 1 image and 1 volume of grading runs still in progress "
                                     "(--all removes them too)")


def test_each_kept_object_says_why_in_its_description():
    assert str(Kept("container", "0c1d2e3f4a5b", KeptBecause.live)) == "container 0c1d2e3f4a5b (run in progress)"
    assert str(Kept("image", "47fe3a0592ac", KeptBecause.cache_layer)) == "image 47fe3a0592ac (layer of a gem cache)"
