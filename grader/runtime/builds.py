"""Image builds of the runtime stage: the repo's own Dockerfile, and the profile's test image."""

from __future__ import annotations

import re
import time

from grader.runtime.budget import over_budget
from grader.runtime.models import BuildStep, StepStatus, TestImageStep
from grader.runtime.profiles import Profile
from grader.runtime.repo_files import read_repo_text
from grader.runtime.results import tail

REMOTE_ADD = re.compile(r"^\s*ADD\s+(?:--\S+\s+)*(?:https?://|git@)", re.IGNORECASE | re.MULTILINE)
_FROM = re.compile(r"^\s*FROM\s+(?:--platform=\S+\s+)?(\S+)(?:\s+AS\s+(\S+))?", re.IGNORECASE | re.MULTILINE)
_ARG = re.compile(r"^\s*ARG\s+([A-Za-z_][A-Za-z0-9_]*)(?:=(\S*))?", re.IGNORECASE | re.MULTILINE)
_VAR = re.compile(r"\$\{([A-Za-z_][A-Za-z0-9_]*)\}|\$([A-Za-z_][A-Za-z0-9_]*)")


def base_images(dockerfile_text: str) -> list[str]:
    """External images a Dockerfile starts from (stage aliases and scratch excluded), with global
    ARG defaults (those before the first FROM) substituted. A reference still holding an unknown
    variable is returned as is: it cannot be found locally, so it counts as missing."""
    first_from = _FROM.search(dockerfile_text)
    head = dockerfile_text[: first_from.start()] if first_from else dockerfile_text
    args = {m.group(1): (m.group(2) or "").strip("\"'") for m in _ARG.finditer(head)}
    aliases: set[str] = set()
    images: list[str] = []
    for m in _FROM.finditer(dockerfile_text):
        ref = _VAR.sub(lambda v: args.get(v.group(1) or v.group(2), v.group(0)), m.group(1))
        if ref.lower() != "scratch" and ref not in aliases:
            images.append(ref)
        if m.group(2):
            aliases.add(m.group(2))
    return images


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
    if REMOTE_ADD.search(text) and not options.build_network:
        # The engine fetches ADD <url> itself, outside the build's network mode.
        step.status, step.reason = StepStatus.skipped, "Dockerfile ADDs a remote URL and builds have no network"
        return step
    missing = [ref for ref in base_images(text) if not engine.image_present(client, ref)]
    if missing and not options.build_network:
        step.status = StepStatus.skipped
        step.reason = (f"base image {', '.join(missing)} not present locally and builds have no network "
                       "(pull it first, or pass --build-network)")
        return step
    started = time.monotonic()
    tag = f"grader-run-{run_id}:{tag_suffix}"
    outcome = engine.build_image(client, tag=tag, run_id=run_id, step="build", timeout=timeout,
                                 network=options.build_network, limits=options.limits, path=str(repo),
                                 dockerfile=name)
    return _record_build(step, outcome, tag, started)


def _record_build(step, outcome, tag: str, started: float):
    step.duration_seconds = round(time.monotonic() - started, 2)
    step.log_tail = tail(outcome.log)
    if outcome.ok:
        step.status, step.image = StepStatus.ok, tag
    else:
        step.status = StepStatus.timeout if outcome.timed_out else StepStatus.failed
        step.reason = outcome.error
    return step


def build_test_image(client, engine, repo, profile: Profile, options, run_id, budget) -> TestImageStep:
    from grader.runtime.context import DOCKERFILE_NAME, ContextError, build_context

    base = options.base_image or profile.default_base_image(repo)
    step = TestImageStep(profile=profile.name, base_image=base)
    timeout = budget.timeout(options.timeouts.test_image)
    if timeout is None:
        return over_budget(step, budget)
    if not engine.image_present(client, base):
        if not options.build_network:
            step.status = StepStatus.skipped
            step.reason = f"base image {base} not present locally: pass --base-image IMAGE (or --build-network to pull)"
            return step
    started = time.monotonic()
    try:
        context = build_context(repo, profile.render_dockerfile(base, repo, engine.labels(run_id, "test_image")))
    except (ContextError, OSError) as exc:
        step.status, step.reason = StepStatus.failed, f"could not pack the repo: {exc}"
        return step
    tag = f"grader-run-{run_id}:test"
    with context:
        outcome = engine.build_image(client, tag=tag, run_id=run_id, step="test_image", timeout=timeout,
                                     network=options.build_network, limits=options.limits, fileobj=context,
                                     dockerfile=DOCKERFILE_NAME, labelled_in_dockerfile=True)
    step = _record_build(step, outcome, tag, started)
    if step.status is StepStatus.failed and not options.build_network and "bundle install" in (step.reason or ""):
        # Offline, a bundle the base image lacks cannot install: that says nothing about the repo.
        step.status = StepStatus.skipped
        step.reason = (f"{step.reason} (builds have no network: gems missing from {base} cannot be installed; "
                       "pass a --base-image that has the bundle, or --build-network)")
    return step
