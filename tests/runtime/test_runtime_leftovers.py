"""The rule `grader runtime clean` keeps by, on listing entries shaped like the engine's (the docker tests
run it on a real engine): gem caches and their layers stay, a dead build's layers go, live ones stay."""

from __future__ import annotations

import os
import socket
import subprocess

from grader.runtime.builds import bundle_cache_key
from grader.runtime.leftovers import KeepRule, KeptBecause

BASE = "sha256:base"


def _dead_pid() -> int:
    proc = subprocess.Popen(["true"])
    proc.wait()
    return proc.pid


LIVE = f"{socket.gethostname()}:{os.getpid()}"
DEAD = f"{socket.gethostname()}:{_dead_pid()}"


def _layer(image_id: str, parent: str, owner: str | None, tags=None, run_id=None, key="k1") -> dict:
    labels = {"grader.managed": "true", "grader.cache": "bundle", "grader.cache_key": key}
    if owner:
        labels["grader.owner"] = owner
    if run_id:
        labels["grader.run_id"] = run_id
    return {"Id": image_id, "ParentId": parent, "RepoTags": tags, "Labels": labels}


def _chain(prefix: str, owner: str | None, tag: str | None, length: int = 3, parent: str = BASE, key="k1"):
    ids = [f"sha256:{prefix}{n}" for n in range(length)]
    return [_layer(image_id, ids[n - 1] if n else parent, owner, [tag] if tag and n == length - 1 else None, key=key)
            for n, image_id in enumerate(ids)]


def _verdicts(images, containers=()):
    listing = [{"Id": BASE, "ParentId": "", "RepoTags": ["grader-base:bookworm"], "Labels": {"grader.base": "true"}},
               *images]
    rule = KeepRule(listing, list(containers))
    return {image["Id"].split(":")[-1]: rule(image) for image in images}


def test_a_tagged_cache_and_its_layers_stay_whoever_built_them():
    for owner in (DEAD, LIVE, None):  # None: built before owners were labelled
        verdicts = _verdicts(_chain("c", owner, "grader-bundle:k1"))
        assert verdicts == {"c0": KeptBecause.cache_layer, "c1": KeptBecause.cache_layer, "c2": KeptBecause.gem_cache}


def test_untagged_layers_of_a_dead_or_ownerless_build_go():
    images = [*_chain("c", None, "grader-bundle:k1"), *_chain("d", DEAD, None, key="k2"),
              *_chain("o", None, "<none>:<none>", length=1, key="k3")]  # the 02:54 leftover's shape
    verdicts = _verdicts(images)
    assert [name for name, why in verdicts.items() if why is None] == ["d0", "d1", "d2", "o0"]


def test_a_live_builds_layers_stay_and_so_does_what_a_live_run_builds_on():
    images = [*_chain("l", LIVE, None), *_chain("x", DEAD, None, key="k2"),
              # a live run's test image on x2: a bundle image whose tag another build took since
              _layer("sha256:t0", "sha256:x2", LIVE, ["grader-run-r:test"], run_id="r")]
    verdicts = _verdicts(images)
    assert {name: why for name, why in verdicts.items() if name.startswith("l")} == dict.fromkeys(
        ("l0", "l1", "l2"), KeptBecause.live)
    assert [verdicts[name] for name in ("x0", "x1", "x2", "t0")] == [KeptBecause.under_live] * 3 + [KeptBecause.live]


def test_a_live_container_keeps_the_layers_it_runs_on_and_a_dead_one_goes():
    images = _chain("x", DEAD, None)
    container = {"Id": "c" * 64, "ImageID": "sha256:x1", "Labels": {"grader.managed": "true", "grader.owner": LIVE}}
    assert _verdicts(images, [container]) == {"x0": KeptBecause.under_live, "x1": KeptBecause.under_live, "x2": None}
    dead = {**container, "Labels": {"grader.managed": "true", "grader.owner": DEAD}}
    assert KeepRule(images, [dead])(dead) is None


def test_a_dead_runs_image_built_on_a_cache_goes_while_the_cache_stays():
    images = [*_chain("c", DEAD, "grader-bundle:k1"),
              _layer("sha256:t0", "sha256:c2", DEAD, ["grader-run-r:test"], run_id="r")]
    verdicts = _verdicts(images)
    assert verdicts["t0"] is None and verdicts["c2"] is KeptBecause.gem_cache


def test_the_bundle_build_labels_its_owner_and_its_key_ignores_who_builds(tmp_path, monkeypatch):
    (tmp_path / "Gemfile").write_text('source "https://rubygems.org"\n')
    (tmp_path / "Gemfile.lock").write_text("GEM\n  specs:\n\nDEPENDENCIES\n")
    key, dockerfile = bundle_cache_key(tmp_path, BASE, mirror=False)
    label_line = dockerfile.splitlines()[1]
    assert label_line.startswith("LABEL ") and f'grader.owner="{LIVE}"' in label_line  # on every layer after FROM
    monkeypatch.setattr("grader.runtime.builds.owner_value", lambda: "elsewhere:1")
    other_key, other_dockerfile = bundle_cache_key(tmp_path, BASE, mirror=False)
    assert other_key == key and 'grader.owner="elsewhere:1"' in other_dockerfile


def test_the_image_a_build_made_is_read_from_its_log():
    from grader.runtime.engine import built_image_id

    log = ("Step 6/6 : WORKDIR /app\n ---> Running in 0c1d2e3f4a5b\n ---> 47fe3a0592ac\n"
           "Successfully built 47fe3a0592ac\n")
    assert built_image_id(log + "Successfully tagged grader-bundle:k1\n") == "47fe3a0592ac"
    assert built_image_id("Step 1/6 : FROM base\n ---> 570571171dcd\n") is None  # a build that did not finish


def _built(chain: list[dict], build_id: str) -> list[dict]:
    for image in chain:
        image["Labels"]["grader.build"] = build_id
    return chain


def _marker(build_id: str, owner: str) -> dict:
    return {"Name": f"grader-build-{build_id}", "Labels": {"grader.managed": "true", "grader.build": build_id,
                                                         "grader.owner": owner}}


def test_a_bundle_builds_layers_live_while_its_build_runs_not_while_its_process_does():
    """A long-lived process (a service worker) whose build ended (its image lost the tag race and could not
    be dropped, or its failed layers could not be removed) must not keep them live: the build's marker is gone."""
    from grader.runtime.leftovers import builds_in_progress

    images = [*_built(_chain("r", LIVE, None), "b-running"), *_built(_chain("e", LIVE, None, key="k2"), "b-ended"),
              *_built(_chain("k", DEAD, None, key="k3"), "b-killed")]
    markers = [_marker("b-running", LIVE), _marker("b-killed", DEAD)]  # a killed build's marker stays behind
    building = builds_in_progress(markers)
    assert building == {"b-running"}
    listing = [{"Id": BASE, "ParentId": "", "RepoTags": ["grader-base:bookworm"], "Labels": {}}, *images]
    rule = KeepRule(listing, [], building)
    verdicts = {image["Id"].split(":")[-1]: rule(image) for image in images}
    assert verdicts == {**dict.fromkeys(("r0", "r1", "r2"), KeptBecause.live),
                        **dict.fromkeys(("e0", "e1", "e2", "k0", "k1", "k2"))}
    assert rule(markers[0]) is KeptBecause.live and rule(markers[1]) is None  # the markers themselves
    # Markers not listable: liveness falls back to the building process, as before markers existed.
    fallback = KeepRule(listing, [], None)
    assert [fallback(image) for image in images[3:6]] == [KeptBecause.live] * 3


def test_an_ended_builds_image_a_live_run_builds_on_stays_under_it_and_its_cache_tag_counts():
    images = [*_built(_chain("e", LIVE, None), "b-ended"),
              _layer("sha256:t0", "sha256:e2", LIVE, ["grader-run-r:test"], run_id="r"),  # inherits grader.build
              *_built(_chain("c", LIVE, None, key="k2"), "b-tagged")]
    images[3]["Labels"]["grader.build"] = "b-ended"
    tagged_now = [*images[:6], {**images[6], "RepoTags": ["grader-bundle:k2"]}]  # tagged after the entry's listing
    rule = KeepRule([{"Id": BASE, "ParentId": ""}, *tagged_now], [], set())
    assert [rule(image) for image in images] == [KeptBecause.under_live] * 3 + [KeptBecause.live] + [
        KeptBecause.cache_layer, KeptBecause.cache_layer, KeptBecause.gem_cache]


def test_the_bundle_build_labels_its_build_id_on_every_layer_and_the_key_ignores_it(tmp_path):
    (tmp_path / "Gemfile").write_text('source "https://rubygems.org"\n')
    (tmp_path / "Gemfile.lock").write_text("GEM\n  specs:\n\nDEPENDENCIES\n")
    key, dockerfile = bundle_cache_key(tmp_path, BASE, mirror=False, build_id="b1")
    assert 'grader.build="b1"' in dockerfile.splitlines()[1]
    assert bundle_cache_key(tmp_path, BASE, mirror=False, build_id="b2")[0] == key


def test_a_gemfile_reading_its_ruby_from_a_file_gets_that_file_in_the_bundle_build(tmp_path):
    """`ruby file: ".ruby-version"` (Rails 7.2+ generators) fails in a build holding only Gemfile and lock."""
    (tmp_path / "Gemfile").write_text('source "https://rubygems.org"\nruby file: ".ruby-version"\n')
    (tmp_path / "Gemfile.lock").write_text("GEM\n  specs:\n\nDEPENDENCIES\n")
    plain_key, plain = bundle_cache_key(tmp_path, BASE, mirror=False)
    assert "COPY Gemfile Gemfile.lock ./" in plain  # the cache keys of repos without one stay as they were
    (tmp_path / ".ruby-version").write_text("3.3.5\n")
    key, dockerfile = bundle_cache_key(tmp_path, BASE, mirror=False)
    assert "COPY Gemfile Gemfile.lock .ruby-version ./" in dockerfile and key != plain_key
    (tmp_path / ".ruby-version").write_text("3.4.1\n")
    assert bundle_cache_key(tmp_path, BASE, mirror=False)[0] != key  # another Ruby is another cache
