"""Thin layer over the docker SDK: connect, label, run a step container under a deadline, build
an image under a deadline, and remove what a run created. Imported only by the runtime stage.

Every object we create carries `grader.managed=true` and its grading process (`grader.owner`); a run's
own objects also `grader.run_id=<id>` (the gem cache, shared by runs, has none). So a run can clean up
after itself (finally, timeout, Ctrl-C) and `grader runtime clean` can remove what a killed run left.
"""

from __future__ import annotations

import contextlib
import io
import json
import re
import tarfile
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass

import docker
import requests
import urllib3
from docker.errors import APIError, DockerException, ImageNotFound, NotFound
from docker.types import LogConfig, Ulimit

from grader.runtime.leftovers import (  # noqa: F401 - re-exported
    BUILD, RUN_ID, Kept, KeepRule, KeptBecause, builds_in_progress, is_bundle_cache)
from grader.runtime.options import Limits
from grader.runtime.owner import OWNER, owner_alive, owner_value  # noqa: F401 - owner_alive re-exported
from grader.runtime.sandbox_limits import SIGXFSZ_EXIT, ContainerDiskWatch, fsize_ulimit, is_build_step

MANAGED = "grader.managed"
STEP = "grader.step"

# Only these reach a graded app: nothing from the host environment, never a real key.
SAFE_ENV = {
    "PATH": "/usr/local/bundle/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
    "HOME": "/tmp",
    "LANG": "C.UTF-8",
    "SECRET_KEY_BASE": "grader-throwaway-" + "0" * 112,
    "OPENROUTER_API_KEY": "sk-or-grader-dummy-key-not-valid",
}


class EngineUnavailable(RuntimeError):
    pass


def connect(timeout: float = 120.0) -> docker.DockerClient:
    """A client negotiated to the engine's API version, or EngineUnavailable with the fix.
    The HTTP timeout bounds single calls (an in-container probe takes up to 15 s); long waits pass
    their own step timeout. A missing daemon fails at once (refused / no socket), not after it."""
    try:
        client = docker.from_env(version="auto", timeout=timeout)
        client.ping()
        return client
    except (DockerException, requests.RequestException) as exc:
        raise EngineUnavailable(
            "no Docker daemon reachable: start dockerd (e.g. `bash .ci/docker-setup.sh`) or pass --no-runtime"
            f" [{type(exc).__name__}]"
        ) from exc


def engine_description(client: docker.DockerClient) -> str:
    try:
        v = client.version()
        return f"docker {v.get('Version')} (API {v.get('ApiVersion')})"
    except (DockerException, requests.RequestException):
        return "docker (version unknown)"


def labels(run_id: str, step: str) -> dict[str, str]:
    return {MANAGED: "true", RUN_ID: run_id, STEP: step, OWNER: owner_value()}


def image_present(client: docker.DockerClient, ref: str) -> bool:
    try:
        client.images.get(ref)
        return True
    except (ImageNotFound, APIError):  # APIError: not even a valid reference (e.g. "${BASE}")
        return False


def base_image_listing(client: docker.DockerClient) -> list[tuple[list[str], dict[str, str]]]:
    """(tags, labels) of every local image scripts/build_base_image.sh built (label grader.base=true)."""
    try:
        found = client.api.images(filters={"label": "grader.base=true"})
    except APIError:
        return []
    return [(list(i.get("RepoTags") or []), dict(i.get("Labels") or {})) for i in found]


@dataclass
class BuildOutcome:
    ok: bool
    timed_out: bool
    log: str
    error: str | None = None
    limits_note: str = ""  # which build limits held (pids may not be enforceable on every engine)
    cancelled: bool = False  # we left the stream because the run was cancelled

    @property
    def left_early(self) -> bool:
        """We closed the stream while the engine was still building (deadline or cancel)."""
        return self.timed_out or self.cancelled


def build_image(
    client: docker.DockerClient,
    *,
    tag: str,
    run_id: str,
    step: str,
    timeout: float,
    network: str | bool,
    limits: Limits,
    path: str | None = None,
    fileobj=None,
    dockerfile: str = "Dockerfile",
    labelled_in_dockerfile: bool = False,
    cancelled=None,
    buildargs: dict[str, str] | None = None,
    extra_labels: dict[str, str] | None = None,
) -> BuildOutcome:
    """Stream a classic build, stopping at the deadline. Leaving the stream early closes the
    connection, which makes the engine abort the build. Layers a failed build leaves behind
    are removed (the classic builder keeps them as cache, unlabelled when labels come last).

    Build steps get the run's memory and CPU limits, a pids limit through a cgroup parent of ours
    where the engine allows it, and a disk quota on each step's writable layer (sandbox_limits).
    `network`: False/"none" (default), True/"default", or "host" (to reach a loopback mirror)."""
    from grader.runtime.sandbox_limits import BuildCgroup, BuildDiskWatch

    # A client of its own, whose read timeout is the step's: a build that goes silent times out too.
    api = docker.APIClient(version=client.api.api_version, timeout=max(timeout, 1), **docker.utils.kwargs_from_env())
    deadline = time.monotonic() + timeout
    lines: list[str] = []
    mode = {True: "default", False: "none"}.get(network, network) if isinstance(network, bool) else network
    kwargs = dict(
        tag=tag,
        dockerfile=dockerfile,
        rm=True,
        forcerm=True,
        pull=False,
        decode=True,
        timeout=max(timeout, 1),  # api.build's own default (None) would override the client's
        labels=None if labelled_in_dockerfile else {**labels(run_id, step), **(extra_labels or {})},
        network_mode=mode,
        container_limits={"memory": _bytes(limits.memory), "memswap": _bytes(limits.memory)},
        buildargs=buildargs or None,
        use_config_proxy=False,  # never hand the host's proxy settings to a hostile build
    )
    if fileobj is not None:
        kwargs.update(fileobj=fileobj, custom_context=True)
    else:
        kwargs.update(path=path)
    cgroup = BuildCgroup(client, run_id, limits.pids)
    _add_build_params(api, {"cpuperiod": 100_000, "cpuquota": int(limits.cpus * 100_000),
                            "ulimits": json.dumps([fsize_ulimit(_bytes(limits.disk))]),
                            **({"cgroupparent": cgroup.parent} if cgroup.parent else {})})
    note = f"memory {limits.memory}, cpus {limits.cpus:g}, disk {limits.disk} per step, " + (
        f"pids {limits.pids}" if cgroup.parent else cgroup.note)
    since = time.time()
    left_early = True  # until the stream says otherwise: an exception (Ctrl-C) leaves it mid-build
    try:
        with BuildDiskWatch(client, _bytes(limits.disk), cgroup.parent, since) as disk:
            outcome = _stream_build(api, kwargs, deadline, timeout, lines, cancelled or (lambda: False))
        left_early = outcome.left_early
        if disk.exceeded and not outcome.ok:
            outcome.error = disk.exceeded
    except BaseException:  # Ctrl-C mid-build: its unlabelled layers must not outlive the run
        _discard_build(client, "".join(lines), left_early, run_id, step, cgroup.parent, since)
        raise
    else:
        if not outcome.ok:
            _discard_build(client, outcome.log, left_early, run_id, step, cgroup.parent, since)
    finally:
        cgroup.close()
    outcome.limits_note = note
    return outcome


def _discard_build(client, log: str, left_early: bool, run_id: str, step: str, cgroup_parent: str | None,
                   since: float) -> None:
    """Remove what a failed build made. When we left its stream early, the engine is still cancelling
    the step in flight: that one wait comes first, so the layers are then removed in a single pass (a
    layer still refused then, e.g. a cached one other images are built on, is not ours to wait for)."""
    layers = _LAYER.findall(log)[1:]  # [0] is the FROM image (not ours)
    if left_early:
        _await_build_stop(client, run_id, step, cgroup_parent, since, layers[-1] if layers else None)
    _remove_layers(client, layers)


def _await_build_stop(client, run_id: str, step: str, cgroup_parent: str | None, since: float,
                      newest_layer: str | None, quiet: float = 1.0, limit: float = 10.0) -> None:
    """After we closed a build's stream the engine still finishes the step in flight: its container and
    the layer it commits can appear after the run's cleanup looked (seen with a test image cut off at
    its first step). Wait until no step container of this build (labelled with the run, under our
    cgroup parent, or running from the newest layer the build made) has been seen for `quiet` seconds,
    at most `limit`, so the cleanup finds them all."""
    labelled = {"label": [f"{RUN_ID}={run_id}", f"{STEP}={step}"]}

    def from_newest_layer() -> bool:  # a bundle build's steps carry no run label
        return newest_layer is not None and any(
            (entry.get("ImageID") or "").split(":")[-1].startswith(newest_layer)
            for entry in _listing(lambda: client.api.containers(all=True, filters={"ancestor": newest_layer})))

    def busy() -> bool:
        if _listing(lambda: client.api.containers(all=True, filters=labelled)) or from_newest_layer():
            return True
        return cgroup_parent is not None and any(is_build_step(client, entry, cgroup_parent, since)
                                                 for entry in _listing(lambda: client.api.containers(all=True)))

    started = last_seen = time.monotonic()
    while time.monotonic() - last_seen < quiet and time.monotonic() - started < limit:
        if busy():
            last_seen = time.monotonic()
        time.sleep(0.2)


def _add_build_params(api, extra: dict) -> None:
    """The SDK's build() has no cgroupparent/cpuquota arguments, while the engine's /build endpoint
    takes them: add them to this (build-only) client's /build request."""
    post = api._post

    def post_with_limits(url, *args, **kw):
        if url.endswith("/build"):
            kw["params"] = {**(kw.get("params") or {}), **extra}
        return post(url, *args, **kw)

    api._post = post_with_limits


def _stream_build(api, kwargs, deadline: float, timeout: float, lines: list[str], cancelled) -> BuildOutcome:
    try:
        for chunk in api.build(**kwargs):
            if "stream" in chunk:
                lines.append(chunk["stream"])
            if "error" in chunk:
                # The daemon's own error text may quote a fetched body: the report keeps a summary.
                error = summarise_daemon_error(chunk["error"])
                lines.append(error + "\n")
                return BuildOutcome(False, False, "".join(lines), error)
            if time.monotonic() > deadline:
                return BuildOutcome(False, True, "".join(lines), f"build exceeded {timeout:.0f}s")
            if cancelled():
                return BuildOutcome(False, False, "".join(lines), "run cancelled", cancelled=True)
        return BuildOutcome(True, False, "".join(lines))
    except (requests.exceptions.ReadTimeout, urllib3.exceptions.ReadTimeoutError, TimeoutError):
        return BuildOutcome(False, True, "".join(lines), f"build exceeded {timeout:.0f}s")
    except (APIError, DockerException, requests.RequestException, urllib3.exceptions.HTTPError, OSError) as exc:
        return BuildOutcome(False, False, "".join(lines), summarise_daemon_error(_one_line(exc)))
    finally:
        api.close()  # closes the stream; an unfinished build is cancelled by the engine


_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")
_BODY_MARKERS = re.compile(r"\b(?:body|response|content)\s*[:=]", re.IGNORECASE)


def summarise_daemon_error(text: str, limit: int = 200) -> str:
    """One line of the daemon's error for the report: its first line, cut before any quoted
    response body, control characters removed, at most `limit` characters."""
    line = _CONTROL.sub("", (text or "").strip().splitlines()[0] if (text or "").strip() else "build failed")
    marker = _BODY_MARKERS.search(line)
    if marker:
        line = line[: marker.start()].rstrip(" :,;") + " (response body not shown)"
    return line[:limit]


_LAYER = re.compile(r"^ ---> ([0-9a-f]{12,64})$", re.MULTILINE)
_BUILT = re.compile(r"^Successfully built ([0-9a-f]{12,64})$", re.MULTILINE)


def built_image_id(log: str) -> str | None:
    """The image a finished classic build made, from its log."""
    found = _BUILT.findall(log or "")
    return found[-1] if found else None


def drop_if_untagged(client, image_id: str | None) -> list[str]:
    """Remove an image we built that has lost its tag (two runs built the same gem cache at once: the
    later tag wins), with the untagged layers only it used. The engine refuses while anything is built
    on it or runs from it (another run that took it before the tag moved): then it stays for `clean`."""
    if not image_id:
        return []
    try:
        if client.images.get(image_id).tags:
            return []
    except (NotFound, APIError, requests.RequestException):
        return []
    return [f"image {deleted}" for deleted in _remove_image(client.api, image_id, prune=True, force=False)]


def _remove_layers(client, layers: list[str]) -> None:
    """Remove the layers a failed build made, newest first. Tagged images are left alone, and so is a
    layer the engine refuses (another image is built on it); containers started from a layer go first."""
    for layer in reversed(layers):
        _remove_layer(client, layer)


def _remove_layer(client, layer: str) -> bool:
    """True when the layer is gone (or is not ours to remove)."""
    try:
        image = client.images.get(layer)
        if image.tags:
            return True
        for entry in client.api.containers(all=True, filters={"ancestor": image.id}):
            _gone_or_removed(lambda: client.api.remove_container(entry["Id"], force=True, v=True))
        client.images.remove(image.id, force=False, noprune=False)
        return True
    except NotFound:
        return True
    except (APIError, requests.RequestException):
        return False


@dataclass
class RunOutcome:
    exit_code: int | None
    timed_out: bool
    log: str
    container: object | None  # kept so the caller can copy files out; removed by the caller
    disk_exceeded: str | None = None  # the step was killed for writing past the disk quota


def create_container(client, image: str, command: list[str] | None, *, run_id: str, step: str, env: dict[str, str],
                     limits: Limits, working_dir: str | None = "/app"):
    """A sandboxed container: no network, unprivileged, bounded, no mounts, only our environment."""
    return client.containers.create(
        image,
        command=command,
        environment={**SAFE_ENV, **env},
        labels=labels(run_id, step),
        network_mode="none",
        user=limits.user,
        working_dir=working_dir,  # None: the image's own WORKDIR (compose services)
        mem_limit=limits.memory,
        memswap_limit=limits.memory,
        nano_cpus=int(limits.cpus * 1e9),
        pids_limit=limits.pids,
        # No single file past the disk quota, whatever the write speed (ContainerDiskWatch bounds the total).
        ulimits=[Ulimit(name="fsize", soft=_bytes(limits.disk), hard=_bytes(limits.disk))],
        cap_drop=["ALL"],
        security_opt=["no-new-privileges"],
        init=True,  # reaps and forwards signals; stray children die with the container
        # A flooding app must not fill the host disk with its log; we only ever read the tail.
        log_config=LogConfig(type="json-file", config={"max-size": "5m", "max-file": "1"}),
        detach=True,
    )


def run_to_completion(client, image: str, command: list[str], *, run_id: str, step: str, env: dict[str, str],
                      limits: Limits, timeout: float, cancelled=None) -> RunOutcome:
    """Run a step container until it exits, the timeout passes, or `cancelled()` turns true.
    The wait is sliced: a container started just after a cancel's cleanup listed the run's
    containers would otherwise be waited on for the whole step timeout."""
    container = create_container(client, image, command, run_id=run_id, step=step, env=env, limits=limits)
    if cancelled is not None and cancelled():
        remove_quietly(container)
        raise RunCancelled(step)
    with watch_disk(client, container, limits) as disk:
        container.start()
        outcome = _wait(container, step, timeout, cancelled)
    if disk.exceeded:
        outcome.exit_code, outcome.disk_exceeded = None, disk.exceeded
    elif outcome.exit_code == SIGXFSZ_EXIT:
        outcome.disk_exceeded = (f"wrote a file up to the file size limit (quota {limits.disk});"
                                 " stopped")
    return outcome


def watch_disk(client, container, limits: Limits) -> ContainerDiskWatch:
    """A watcher killing `container` once its writable layer reaches the disk quota (use as `with`)."""
    return ContainerDiskWatch(client, container.id, _bytes(limits.disk), limits.disk)


def _wait(container, step: str, timeout: float, cancelled) -> RunOutcome:
    deadline = time.monotonic() + max(timeout, 1)
    while True:
        left = deadline - time.monotonic()
        if left <= 0:
            kill_quietly(container)
            return RunOutcome(None, True, container_logs(container), container)
        if cancelled is not None and cancelled():
            remove_quietly(container)
            raise RunCancelled(step)
        try:
            result = container.wait(timeout=max(1, min(_WAIT_SLICE, left)))
            return RunOutcome(int(result.get("StatusCode", -1)), False, container_logs(container), container)
        except requests.exceptions.ReadTimeout:
            continue
        except requests.exceptions.ConnectionError as exc:
            if "timed out" in str(exc).lower():  # urllib3 reports some read timeouts this way
                continue
            raise


_WAIT_SLICE = 2.0


class RunCancelled(RuntimeError):
    """The run was cancelled while this step's container ran; the container is removed."""


def container_logs(container, tail: int = 400) -> str:
    try:
        return container.logs(stdout=True, stderr=True, tail=tail).decode("utf-8", "replace")
    except (DockerException, requests.RequestException):
        return ""


def kill_quietly(container) -> None:
    try:
        container.kill()
    except (DockerException, requests.RequestException):
        pass


def remove_quietly(container) -> None:
    if container is None:
        return
    try:
        container.remove(force=True, v=True)
    except NotFound:
        pass
    except (DockerException, requests.RequestException):
        pass


# Go's os.FileMode type bits as the engine reports them in get_archive's stat header: any of them
# set means not a regular file (directory, symlink, device, pipe, socket, irregular).
_GO_TYPE_BITS = (1 << 31) | (1 << 27) | (1 << 26) | (1 << 25) | (1 << 24) | (1 << 21) | (1 << 19)


def read_file(container, path: str, limit: int = 20 * 1024 * 1024) -> bytes | None:
    """One regular file out of a (stopped or running) container via get_archive; None if absent,
    not a regular file, or larger than `limit`. The tar stream is read only up to limit + one
    header's worth: a repo that plants a directory of sparse files there cannot make us read GBs."""
    try:
        stream, stat = container.get_archive(path, chunk_size=64 * 1024)
    except (NotFound, APIError, requests.RequestException):
        return None
    if int(stat.get("mode", 0)) & _GO_TYPE_BITS or int(stat.get("size", 0)) > limit:
        _close_stream(stream)
        return None
    buf = io.BytesIO()
    try:
        for chunk in stream:
            buf.write(chunk)
            if buf.tell() > limit + 64 * 1024:
                return None
    except (requests.RequestException, urllib3.exceptions.HTTPError, OSError):
        return None
    finally:
        _close_stream(stream)
    buf.seek(0)
    try:
        with tarfile.open(fileobj=buf) as tar:
            member = tar.next()
            if member is None or not member.isreg() or member.size > limit:
                return None
            fh = tar.extractfile(member)
            return fh.read(limit) if fh else None
    except (tarfile.TarError, OSError):
        return None


def _close_stream(stream) -> None:
    close = getattr(stream, "close", None)
    if close is not None:
        try:
            close()
        except Exception:  # noqa: BLE001 - closing a dropped stream
            pass


def remove_labelled(client, label_filter: str, keep: Callable[[dict], KeptBecause | None] | None = None, *,
                    keep_rule: Callable[[], Callable[[dict], KeptBecause | None]] | None = None,
                    ) -> tuple[list[str], list[Kept]]:
    """Force-remove containers, then images, then volumes carrying the label, except those for
    which keep(listing entry) gives a reason. Returns the removed objects' descriptions (unlabelled
    parent layers pruned with an image included) and the kept ones. `keep_rule` makes `keep` once
    everything is listed (clean's rule must read the engine after the objects it decides on).

    Uses the low-level listings (one call each, plain dicts): the high-level ones inspect every
    object after listing it, which raises NotFound when another thread (the run's own cleanup,
    a parallel cancel) removes one in between. Every removal tolerates "already gone"."""
    removed: list[str] = []
    kept: list[Kept] = []
    api = client.api
    containers = _listing(lambda: api.containers(all=True, filters={"label": label_filter}))
    # all=True: a failed build leaves labelled intermediate images that a plain listing hides.
    # Newest first, so children go before the parents they depend on.
    images = sorted(_listing(lambda: api.images(all=True, filters={"label": label_filter})),
                    key=lambda i: i.get("Created", 0), reverse=True)
    volumes = _listing(lambda: (api.volumes(filters={"label": label_filter}) or {}).get("Volumes") or [])
    if keep_rule is not None:
        keep = keep_rule()

    def spare(kind: str, name: str, entry: dict) -> bool:
        why = keep(entry) if keep is not None else None
        if why is not None:
            kept.append(Kept(kind, name, why))
        return why is not None

    for entry in containers:
        short = entry["Id"][:12]
        if spare("container", short, entry):
            continue
        if _gone_or_removed(lambda: api.remove_container(entry["Id"], force=True, v=True)):
            removed.append(f"container {short}")
    spared = {entry["Id"] for entry in images if spare("image", _short(entry["Id"]), entry)}
    for entry in images:
        if entry["Id"] in spared:
            continue
        # Pruning removes the unlabelled layers a labels-last build leaves under its image, but must
        # not take a kept parent that has no other child.
        for deleted in _remove_image(api, entry["Id"], prune=entry.get("ParentId") not in spared):
            if f"image {deleted}" not in removed:
                removed.append(f"image {deleted}")
    for entry in volumes:
        if spare("volume", entry["Name"], entry):
            continue
        if _gone_or_removed(lambda: api.remove_volume(entry["Name"], force=True)):
            removed.append(f"volume {entry['Name']}")
    return removed, kept


def _short(image_id: str) -> str:
    return image_id.split(":")[-1][:12]


def _remove_image(api, image_id: str, prune: bool, force: bool = True) -> list[str]:
    """Short ids of the images this removal deleted (none when gone already or refused, e.g. it has
    a child that is kept)."""
    try:
        result = api.remove_image(image_id, force=force, noprune=not prune)
    except (NotFound, APIError, requests.RequestException):
        return []
    return [_short(item["Deleted"]) for item in result or [] if isinstance(item, dict) and item.get("Deleted")]


def _listing(call) -> list[dict]:
    try:
        return list(call() or [])
    except (APIError, requests.RequestException):
        return []


def _gone_or_removed(call) -> bool:
    """True when the removal happened here; False when it was gone already or the engine refused
    (e.g. an image a parallel removal is deleting)."""
    try:
        call()
        return True
    except (NotFound, APIError, requests.RequestException):
        return False


def cleanup_run(client, run_id: str) -> list[str]:
    return remove_labelled(client, f"{RUN_ID}={run_id}")[0]


def clean_all(client, include_live: bool = False) -> tuple[list[str], list[Kept]]:
    """Everything grader-managed that no live run or running build uses, except the gem caches and
    their layers (the rule: leftovers.KeepRule); include_live: everything, caches included."""
    if include_live:
        return remove_labelled(client, f"{MANAGED}=true")

    def rule() -> KeepRule:  # in the order leftovers explains: markers, then what the rule reads
        try:
            markers = (client.api.volumes(filters={"label": BUILD}) or {}).get("Volumes") or []
            building: set[str] | None = builds_in_progress(markers)
        except (APIError, requests.RequestException):
            building = None  # unknown: a bundle layer is then live while its process runs
        images = _listing(lambda: client.api.images(all=True))
        containers = _listing(lambda: client.api.containers(all=True, filters={"label": f"{MANAGED}=true"}))
        return KeepRule(images, containers, building)

    return remove_labelled(client, f"{MANAGED}=true", keep_rule=rule)


@contextlib.contextmanager
def bundle_build_marker(client, build_id: str) -> Iterator[None]:
    """A volume that exists exactly while this bundle build runs: `clean` keeps the build's layers
    while it exists and its process lives (leftovers.KeepRule), not for as long as the process lives."""
    name = f"grader-build-{build_id}"
    try:
        client.api.create_volume(name=name, labels={MANAGED: "true", BUILD: build_id, OWNER: owner_value()})
    except (APIError, requests.RequestException) as exc:
        raise BuildMarkerError(f"could not mark the gem cache build as running: {_one_line(exc)}") from None
    try:
        yield
    finally:
        _gone_or_removed(lambda: client.api.remove_volume(name, force=True))


class BuildMarkerError(RuntimeError):
    """The engine refused the marker of a bundle build (so `clean` could not tell it runs)."""


def _bytes(size: str) -> int:
    units = {"k": 1024, "m": 1024**2, "g": 1024**3}
    size = size.strip().lower()
    if size and size[-1] in units:
        return int(float(size[:-1]) * units[size[-1]])
    return int(size)


def _one_line(exc: BaseException) -> str:
    text = str(getattr(exc, "explanation", None) or exc).strip().splitlines()
    return (text[0] if text else type(exc).__name__)[:300]
