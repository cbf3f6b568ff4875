"""Image builds of the runtime stage: the repo's own Dockerfile, and the profile's test image."""

from __future__ import annotations

import hashlib
import io
import json
import re
import tarfile
import tempfile
import time
import uuid
from urllib.parse import urlsplit

from grader.runtime.budget import over_budget
from grader.runtime.bundler_log import bundle_step_error, bundler_failure
from grader.runtime.dockerfile_scan import DockerfileError, scan_dockerfile
from grader.runtime.leftovers import BUILD
from grader.runtime.models import BuildStep, StepStatus, TestImageStep
from grader.runtime.owner import OWNER, owner_value
from grader.runtime.profiles import Profile
from grader.runtime.repo_files import read_repo_text
from grader.runtime.results import tail

_LOOPBACK_HOSTS = ("127.0.0.1", "localhost", "[::1]", "::1")


def base_images(dockerfile_text: str) -> list[str]:
    """External images a Dockerfile needs (FROM, COPY --from=<image>), with ARG defaults expanded.
    A reference still holding an unknown variable is returned as is: it counts as missing."""
    return scan_dockerfile(dockerfile_text).images


def build_network_mode(options) -> str:
    """Network of image builds (never of run containers). A loopback gem mirror is reachable only
    from the host's network namespace, so such builds use `host`: the build can then reach what
    the host reaches, for the length of the build (the run and test containers stay on `none`)."""
    if options.gem_mirror and urlsplit(options.gem_mirror).hostname in _LOOPBACK_HOSTS:
        return "host"
    if options.build_network or options.gem_mirror:
        return "default"
    return "none"


def mirror_buildargs(options) -> dict[str, str]:
    return {"GRADER_GEM_MIRROR": options.gem_mirror} if options.gem_mirror else {}


def _refusal(text: str, offline: bool) -> str | None:
    """Why this Dockerfile is not built, or None."""
    try:
        scan = scan_dockerfile(text)
    except DockerfileError as exc:
        return str(exc)
    if offline and scan.remote_sources:
        return (f"Dockerfile fetches a remote source ({scan.remote_sources[0]}) and builds have no network "
                "(pass --build-network to allow it)")
    if offline and scan.unresolved_sources:
        return f"Dockerfile ADDs a source that depends on an unset variable ({scan.unresolved_sources[0]})"
    return None


def build_repo_image(client, engine, repo, options, run_id, budget, dockerfile: str = "Dockerfile",
                      tag_suffix: str = "repo") -> BuildStep:
    step = BuildStep()
    name = dockerfile
    text = read_repo_text(repo, name)
    if text is None:
        step.status, step.reason = StepStatus.skipped, f"no {name} in {repo.name} (or it points outside the repo)"
        return step
    step.dockerfile = name
    timeout = budget.timeout(options.timeouts.build)
    if timeout is None:
        return over_budget(step, budget)
    network = build_network_mode(options)
    refusal = _refusal(text, offline=network == "none")
    if refusal:
        # The engine fetches ADD <url> and missing images itself, outside the build's network mode.
        step.status, step.reason = StepStatus.skipped, refusal
        return step
    missing = [ref for ref in base_images(text) if not engine.image_present(client, ref)]
    if missing and network == "none":
        step.status = StepStatus.skipped
        step.reason = (f"base image {', '.join(missing)} not present locally and builds have no network "
                       "(pull it first, or pass --build-network)")
        return step
    started = time.monotonic()
    tag = f"grader-run-{run_id}:{tag_suffix}"
    outcome = engine.build_image(client, tag=tag, run_id=run_id, step="build", timeout=timeout,
                                 network=network, limits=options.limits, path=str(repo),
                                 buildargs=mirror_buildargs(options),
                                 dockerfile=name, cancelled=lambda: budget.is_cancelled)
    return _record_build(step, outcome, tag, started)


def _record_build(step, outcome, tag: str, started: float):
    step.duration_seconds = round(time.monotonic() - started, 2)
    step.log_tail = tail(outcome.log)
    step.limits = outcome.limits_note or None
    if outcome.ok:
        step.status, step.image = StepStatus.ok, tag
    else:
        step.status = StepStatus.timeout if outcome.timed_out else StepStatus.failed
        step.reason = outcome.error
    return step


# Gems a lockfile needs, installed once per (base image, lockfile, mirror setting): 50 runs of the
# same brief share one bundle image. Built from Gemfile and Gemfile.lock only, so no repo code runs.
# The labels come first, so every layer of the build carries them: its build id (whose marker volume
# exists while it runs) and owner (the building process) let `clean` remove the layers of a build that
# was killed or has ended, and spare those of a build in progress.
_BUNDLE_DOCKERFILE = """FROM {base}
LABEL grader.managed="true" grader.cache="bundle" grader.cache_key="{key}"{owner}
ENV HOME=/tmp LANG=C.UTF-8
{mirror}WORKDIR /grader-bundle
COPY Gemfile Gemfile.lock{version_files} ./
RUN bundle install --local || bundle install
WORKDIR /app
"""
_MIRROR_LINES = ('ARG GRADER_GEM_MIRROR\n'
                 'RUN bundle config set --global mirror.https://rubygems.org "$GRADER_GEM_MIRROR"\n')
_NEEDS_REPO_FILES = re.compile(r"^\s*gemspec\b|\bpath\s*[:(=]|^\s*path\b|\beval_gemfile\b", re.MULTILINE)


# Files a Gemfile may read its Ruby from (`ruby file: ".ruby-version"`): copied beside it when present.
_VERSION_FILES = (".ruby-version", ".tool-versions")


def _bundle_files(repo, overrides: dict[str, str] | None = None) -> dict[str, str]:
    """What the bundle image is built from: Gemfile, Gemfile.lock and the version files present;
    `overrides` replace the repo's text (a widened Ruby pin, ruby_series)."""
    files = {name: read_repo_text(repo, name) or "" for name in ("Gemfile", "Gemfile.lock")}
    for name in _VERSION_FILES:
        text = read_repo_text(repo, name)
        if text is not None:
            files[name] = text
    return {**files, **(overrides or {})}


def bundle_cache_key(repo, base_id: str, mirror: bool, build_id: str = "",
                     overrides: dict[str, str] | None = None) -> tuple[str, str] | None:
    """(key, Dockerfile) of the bundle image for this repo, or None when its Gemfile needs more
    than itself and its lockfile (gemspec, path gems, eval_gemfile) or either is missing. The
    Dockerfile labels its layers with `build_id` (when given) and the building process."""
    files = _bundle_files(repo, overrides)
    gemfile, lock = files["Gemfile"], files["Gemfile.lock"]
    if not gemfile or not lock or _NEEDS_REPO_FILES.search(gemfile):
        return None
    digest = hashlib.sha256()
    mirror_lines = _MIRROR_LINES if mirror else ""
    extra = [name for name in _VERSION_FILES if name in files]
    version_files = "".join(f" {name}" for name in extra)
    # Hashed without key, owner and build id: the key names what is installed, whoever builds it (and
    # stays what it was before owners were labelled, so caches built then are still found).
    template = _BUNDLE_DOCKERFILE.format(base=base_id, key="", owner="", mirror=mirror_lines,
                                         version_files=version_files)
    for part in (base_id, template, gemfile, lock, *(files[name] for name in extra)):
        digest.update(part.encode())
        digest.update(b"\0")
    key = digest.hexdigest()[:24]
    owner = f" {OWNER}={json.dumps(owner_value())}" + (f" {BUILD}={json.dumps(build_id)}" if build_id else "")
    return key, _BUNDLE_DOCKERFILE.format(base=base_id, key=key, owner=owner, mirror=mirror_lines,
                                          version_files=version_files)


def _bundle_context(repo, dockerfile: str, overrides: dict[str, str] | None = None):
    out = tempfile.SpooledTemporaryFile(max_size=8 * 1024 * 1024)
    with tarfile.open(fileobj=out, mode="w") as tar:
        for name, text in (("Dockerfile", dockerfile), *_bundle_files(repo, overrides).items()):
            data = text.encode()
            info = tarfile.TarInfo(name)
            info.size, info.mode = len(data), 0o644
            tar.addfile(info, io.BytesIO(data))
    out.seek(0)
    return out


def ensure_bundle_image(client, engine, repo, base: str, options, run_id, timeout: float, budget,
                        overrides: dict[str, str] | None = None):
    """The cached bundle image for this repo (built now if missing), as (tag, outcome-or-None);
    (None, None) when the repo cannot use one."""
    try:
        base_id = client.images.get(base).id
    except Exception:  # noqa: BLE001 - no base: the caller reports it
        return None, None
    build_id = uuid.uuid4().hex[:16]
    keyed = bundle_cache_key(repo, base_id, bool(options.gem_mirror), build_id, overrides)
    if keyed is None:
        return None, None
    key, dockerfile = keyed
    tag = f"grader-bundle:{key}"
    if engine.image_present(client, tag):
        return tag, None
    try:
        with engine.bundle_build_marker(client, build_id), _bundle_context(repo, dockerfile, overrides) as context:
            outcome = engine.build_image(client, tag=tag, run_id=run_id, step="bundle", timeout=timeout,
                                         network=build_network_mode(options), limits=options.limits,
                                         fileobj=context, labelled_in_dockerfile=True,
                                         cancelled=lambda: budget.is_cancelled, buildargs=mirror_buildargs(options))
    except engine.BuildMarkerError as exc:
        return None, engine.BuildOutcome(False, False, "", str(exc))
    return (tag if outcome.ok else None), outcome


def sandbox_files(repo) -> dict[str, bytes]:
    """Files of ours baked into the test image under /opt/grader (root-owned, read-only to the app)."""
    from importlib import resources

    from grader.runtime.gate_config import gate_config

    ruby = resources.files("grader.runtime").joinpath("ruby")
    return {"ruby/minitest/grader_plugin.rb": ruby.joinpath("minitest/grader_plugin.rb").read_bytes(),
            "ruby/grader_rspec_formatter.rb": ruby.joinpath("grader_rspec_formatter.rb").read_bytes(),
            "rubocop.yml": gate_config(repo).text.encode()}


def build_test_image(client, engine, repo, profile: Profile, options, run_id, budget) -> TestImageStep:
    from grader.runtime.context import DOCKERFILE_NAME, ContextError, build_context

    base, choice = _base_image(client, engine, repo, profile, options)
    step = TestImageStep(profile=profile.name, base_image=base, base_choice=choice)
    timeout = budget.timeout(options.timeouts.test_image)
    if timeout is None:
        return over_budget(step, budget)
    network = build_network_mode(options)
    if not engine.image_present(client, base) and network == "none":
        step.status = StepStatus.skipped
        step.reason = f"base image {base} not present locally: pass --base-image IMAGE (or --build-network to pull)"
        return step
    started = time.monotonic()
    overrides = _widened_ruby_pin(client, repo, base, step)
    bundle_tag, bundle_outcome = ensure_bundle_image(client, engine, repo, base, options, run_id, timeout, budget,
                                                     overrides)
    if bundle_outcome is not None and not bundle_outcome.ok:
        return _bundle_failure_explained(_record_build(step, bundle_outcome, "", started), bundle_outcome.log,
                                         options, base)
    step.cached = bundle_tag is not None and bundle_outcome is None
    step._bundle_built = engine.built_image_id(bundle_outcome.log) if bundle_outcome is not None else None
    timeout = budget.timeout(options.timeouts.test_image)
    if timeout is None:
        return over_budget(step, budget)
    try:
        dockerfile = profile.render_dockerfile(bundle_tag or base, repo, engine.labels(run_id, "test_image"),
                                               gem_mirror=bool(options.gem_mirror))
        context = build_context(repo, dockerfile, sandbox_files(repo), replaced=overrides)
    except (ContextError, OSError) as exc:
        step.status, step.reason = StepStatus.failed, f"could not pack the repo: {exc}"
        return step
    tag = f"grader-run-{run_id}:test"
    with context:
        outcome = engine.build_image(client, tag=tag, run_id=run_id, step="test_image", timeout=timeout,
                                     network=network, limits=options.limits, fileobj=context,
                                     dockerfile=DOCKERFILE_NAME, labelled_in_dockerfile=True,
                                     cancelled=lambda: budget.is_cancelled, buildargs=mirror_buildargs(options))
    return _bundle_failure_explained(_record_build(step, outcome, tag, started), outcome.log, options, base)


def _widened_ruby_pin(client, repo, base: str, step: TestImageStep) -> dict[str, str]:
    """The build's copy of the Gemfile when its exact Ruby pin is another patch release of the base
    image's series (ruby_series); the step records what was widened."""
    from grader.runtime.base_choice import version_tuple
    from grader.runtime.ruby_series import widen_ruby_pin

    gemfile = read_repo_text(repo, "Gemfile")
    if not gemfile:
        return {}
    try:
        labels = client.images.get(base).labels or {}
    except Exception:  # noqa: BLE001 - absent or unreadable: the build step reports it
        return {}
    versions = {name: text for name in _VERSION_FILES if (text := read_repo_text(repo, name)) is not None}
    widened = widen_ruby_pin(gemfile, version_tuple(labels.get("grader.ruby")), versions)
    if widened is None:
        return {}
    step.ruby_widened = widened.note
    return {"Gemfile": widened.gemfile}


def _base_image(client, engine, repo, profile: Profile, options) -> tuple[str, str | None]:
    """--base-image when given; else the local grader-base image that fits the repo's Ruby and
    Bundler (base_choice); else the profile's default (an official ruby image, pulled only with
    --build-network)."""
    if options.base_image:
        return options.base_image, None
    from grader.runtime.base_choice import choose_base, labelled_images, repo_asks

    chosen = choose_base(labelled_images(engine.base_image_listing(client)), repo_asks(repo))
    if chosen is None:
        return profile.default_base_image(repo), "no local grader-base image (bash .ci/docker-setup.sh builds them)"
    return chosen[0].tag, chosen[1]


def _bundle_failure_explained(step, log: str, options, base: str):
    """A failed `bundle install` is reported in Bundler's own words (Docker's names only the command), and
    offline it is skipped: a bundle the base image cannot install says nothing about the repo."""
    if step.status is not StepStatus.failed or "bundle install" not in (step.reason or ""):
        return step
    said = bundler_failure(log) or bundle_step_error(log)
    if said:
        step.reason = f"bundle install failed: {said}"
    if build_network_mode(options) == "none":
        step.status = StepStatus.skipped
        step.reason = (f"{step.reason} (builds have no network, so what {base} lacks cannot be installed: pass a "
                       "--base-image that has the app's Ruby and gems, --gem-mirror URL, or --build-network)")
    return step
