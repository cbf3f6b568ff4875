"""What `grader runtime clean` keeps, and why. Decided from the engine's listings (plain dicts), so the
rule needs no docker import and is the same whoever listed the objects.

Kept: the gem caches (a tagged bundle image) and every layer under them, which later runs reuse;
a run's objects while its grading process runs; a bundle build's layers while that build runs (its
marker volume exists and its process lives: a long-lived process, e.g. a service worker, whose
build ended without removing them, lost the tag race or failed to remove its layers, does not keep
them); and the layers a live object is built on (a run in progress may be building on a bundle
image that another run's build has since untagged). Everything else grader-managed is what a dead
run or an ended build left: an untagged bundle layer of a killed or failed build included, with or
without an owner label (builds made before owners were recorded have none, and no build of this
version reuses their layers: its LABEL line differs).

The listings must be taken in this order (engine.clean_all): the objects to decide on first, then
the build markers, then the images and containers the rule reads. A build whose layers were listed
and whose marker is gone has ended by the time the rule's images were listed, so a cache it just
tagged is seen tagged there."""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum

from grader.runtime.owner import owner_alive

RUN_ID = "grader.run_id"
CACHE = "grader.cache"
BUILD = "grader.build"  # a bundle build's id: on its layers and on its marker volume


class KeptBecause(str, Enum):
    """Why `clean` left a labelled object in place."""

    gem_cache = "gem cache"  # a tagged bundle image later runs build on
    cache_layer = "layer of a gem cache"  # an image layer under a tagged bundle image
    live = "run in progress"  # its grading process (a bundle layer: its build) still runs
    under_live = "layer under a run in progress"  # a live image or container is built on it


@dataclass(frozen=True)
class Kept:
    kind: str  # container | image | volume
    name: str
    why: KeptBecause

    def __str__(self) -> str:
        return f"{self.kind} {self.name} ({self.why.value})"


def is_bundle_cache(object_labels: dict[str, str]) -> bool:
    """Labelled as the shared bundle image (or a layer of its build). A run's image built FROM it inherits
    its labels, so the cache label alone would spare a killed run's test image forever: only an image
    that belongs to no run is the cache."""
    return object_labels.get(CACHE) == "bundle" and RUN_ID not in object_labels


def is_tagged(image: dict) -> bool:
    return any(tag and tag != "<none>:<none>" for tag in image.get("RepoTags") or [])


def _with_ancestors(ids: set[str], parents: dict[str, str]) -> set[str]:
    found: set[str] = set()
    for image_id in ids:
        while image_id and image_id not in found:
            found.add(image_id)
            image_id = parents.get(image_id, "")
    return found


def builds_in_progress(volumes: list[dict]) -> set[str]:
    """Ids of the bundle builds running now: their marker volume exists and its process lives."""
    return {(volume.get("Labels") or {}).get(BUILD) or "" for volume in volumes
            if owner_alive(volume.get("Labels"))} - {""}


class KeepRule:
    """keep(entry) for `clean`: the reason to keep a listed container, image or volume, or None.
    `images`: every image of the engine (all=True, unfiltered: ancestry runs through unlabelled base
    images and layers); `containers`: the grader-managed ones; `building`: builds_in_progress(), or
    None when the markers could not be listed (a bundle layer is then live while its process runs)."""

    def __init__(self, images: list[dict], containers: list[dict], building: set[str] | None = None):
        self._building = building
        parents = {image["Id"]: image.get("ParentId") or "" for image in images}
        caches = {image["Id"] for image in images if self._is_gem_cache(image)}
        live_images = {image["Id"] for image in images if self._in_progress(image.get("Labels"))}
        live_images |= {entry.get("ImageID") or "" for entry in containers if self._in_progress(entry.get("Labels"))}
        self._caches = caches
        self._cache_layers = _with_ancestors(caches, parents) - caches
        self._under_live = _with_ancestors(live_images - {""}, parents)

    @staticmethod
    def _is_gem_cache(image: dict) -> bool:
        return is_bundle_cache(image.get("Labels") or {}) and is_tagged(image)

    def _in_progress(self, object_labels: dict[str, str] | None) -> bool:
        """A bundle build's object: while that build runs; any other: while its grading process runs."""
        object_labels = object_labels or {}
        if self._building is not None and BUILD in object_labels and is_bundle_cache(object_labels):
            return object_labels[BUILD] in self._building
        return owner_alive(object_labels)

    def __call__(self, entry: dict) -> KeptBecause | None:
        object_id = entry.get("Id") or entry.get("Name") or ""
        if object_id in self._caches or ("RepoTags" in entry and self._is_gem_cache(entry)):
            return KeptBecause.gem_cache
        if object_id in self._cache_layers:
            return KeptBecause.cache_layer
        if self._in_progress(entry.get("Labels")):
            return KeptBecause.live
        if object_id in self._under_live:
            return KeptBecause.under_live
        return None
