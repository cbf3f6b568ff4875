"""Compose file checks: find it under any of its four names, validate it statically, and ask the
compose CLI (when installed) to validate it too. Bringing it up is a separate, opt-in step."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

import yaml

from grader.core.dockerfile import COMPOSE_NAMES
from grader.core.repo import load_yaml  # alias expansion capped: a compose.yaml bomb fails fast
from grader.runtime.models import ComposeStep, StepStatus
from grader.runtime.repo_files import inside_repo, read_repo_text
from grader.runtime.results import tail
_PORT = re.compile(r"^(?:(?:\d{1,3}\.){3}\d{1,3}:)?(?:\d+(?:-\d+)?:)?\d+(?:-\d+)?(?:/(?:tcp|udp|sctp))?$")
_SECRET_NAMES = re.compile(r"(API_KEY|SECRET|TOKEN|PASSWORD)", re.IGNORECASE)


def find_compose_file(repo: Path) -> Path | None:
    for name in COMPOSE_NAMES:
        if inside_repo(repo, name) is not None:
            return repo / name
    return None


def static_problems(repo: Path, doc) -> tuple[list[str], list[str]]:
    """(services, problems) from a parsed compose document."""
    if not isinstance(doc, dict):
        return [], ["top level is not a mapping"]
    services = doc.get("services")
    if not isinstance(services, dict) or not services:
        return [], ["no `services` mapping"]
    problems: list[str] = []
    for name, svc in services.items():
        if not isinstance(svc, dict):
            problems.append(f"service {name}: not a mapping")
            continue
        if "image" not in svc and "build" not in svc:
            problems.append(f"service {name}: neither `image` nor `build`")
        build = svc.get("build")
        context = build if isinstance(build, str) else (
            (build or {}).get("context", ".") if isinstance(build, dict) else None)
        if context is not None and not _inside(repo, context):
            problems.append(f"service {name}: build context {context!r} is not a folder inside the repo")
        if isinstance(build, dict) and build.get("dockerfile"):
            if inside_repo(repo, Path(str(context or ".")) / str(build["dockerfile"])) is None:
                problems.append(f"service {name}: dockerfile {build['dockerfile']!r} not found")
        for port in svc.get("ports") or []:
            text = str(port.get("target", "")) if isinstance(port, dict) else str(port)
            if not _PORT.match(text):
                problems.append(f"service {name}: port {port!r} is not valid")
        problems.extend(f"service {name}: {p}" for p in _inline_secrets(svc.get("environment")))
    return list(services), problems


def _inside(repo: Path, rel: str) -> bool:
    if "://" in rel:  # a git URL context is allowed by compose; not ours to check
        return True
    target = (repo / rel).resolve()
    return target.is_dir() and (target == repo.resolve() or repo.resolve() in target.parents)


def _inline_secrets(environment) -> list[str]:
    """A literal value for a key-like variable means a committed secret; ${VAR} references are fine."""
    items = environment.items() if isinstance(environment, dict) else (
        (e.partition("=")[0], e.partition("=")[2] or None) for e in environment or [] if isinstance(e, str)
    )
    found = []
    for key, value in items:
        if value and _SECRET_NAMES.search(str(key)) and "${" not in str(value) and not str(value).startswith("$"):
            found.append(f"environment {key} has a literal value (committed secret?)")
    return found


@dataclass
class WebService:
    name: str
    build_context: str | None  # relative to the repo
    dockerfile: str
    image: str | None
    command: list[str] | None
    port: int
    env: dict[str, str]


def web_service(repo: Path, file: str) -> WebService:
    """The service to probe: the first one publishing a port, else the first one that builds."""
    services = load_yaml(read_repo_text(repo, file) or "")["services"]
    name, svc = next(((n, s) for n, s in services.items() if s.get("ports")),
                     next(((n, s) for n, s in services.items() if s.get("build")), next(iter(services.items()))))
    build = svc.get("build")
    context = build if isinstance(build, str) else (build or {}).get("context", ".") if build is not None else None
    dockerfile = (build or {}).get("dockerfile", "Dockerfile") if isinstance(build, dict) else "Dockerfile"
    command = svc.get("command")
    if isinstance(command, str):
        command = ["sh", "-c", command]
    return WebService(name, context, dockerfile, svc.get("image"), command, _container_port(svc), _sandbox_env(svc))


def _container_port(svc: dict) -> int:
    for port in svc.get("ports") or []:
        target = port.get("target") if isinstance(port, dict) else str(port).split("/")[0].rsplit(":", 1)[-1]
        try:
            return int(str(target).split("-")[0])
        except ValueError:
            continue
    return 3000


def _sandbox_env(svc: dict) -> dict[str, str]:
    """The service's literal, non-secret settings. ${VAR} references and secret-like names get
    nothing from the host: the sandbox's own dummy values apply instead."""
    env = svc.get("environment") or {}
    items = env.items() if isinstance(env, dict) else (e.partition("=")[::2] for e in env if isinstance(e, str))
    return {str(k): str(v) for k, v in items
            if v is not None and "$" not in str(v) and not _SECRET_NAMES.search(str(k))}


def compose_cli() -> list[str] | None:
    docker_bin = shutil.which("docker")
    if docker_bin and _works([docker_bin, "compose", "version"]):
        return [docker_bin, "compose"]
    legacy = shutil.which("docker-compose")
    if legacy and _works([legacy, "version"]):
        return [legacy]
    return None


def _works(cmd: list[str]) -> bool:
    try:
        return subprocess.run(cmd, capture_output=True, timeout=10, env=_bare_env()).returncode == 0
    except (OSError, subprocess.TimeoutExpired):
        return False


def _bare_env() -> dict[str, str]:
    # Compose interpolates ${VAR} from the environment: give it none of ours (no user keys).
    env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "HOME": "/tmp"}
    if "DOCKER_HOST" in os.environ:
        env["DOCKER_HOST"] = os.environ["DOCKER_HOST"]
    return env


def check_compose(repo: Path, timeout: float) -> ComposeStep:
    step = ComposeStep()
    path = find_compose_file(repo)
    if path is None:
        step.status = StepStatus.failed
        step.valid = False
        step.reason = f"no compose file (looked for {', '.join(COMPOSE_NAMES)})"
        return step
    step.file = path.name
    try:
        doc = load_yaml(read_repo_text(repo, path.name) or "")
        step.validated_with.append("yaml")
    except yaml.YAMLError as exc:
        step.status, step.valid = StepStatus.failed, False
        step.reason = f"{path.name} is not valid YAML: {str(exc).splitlines()[0]}"
        return step
    step.services, step.problems = static_problems(repo, doc)
    cli = compose_cli()
    if cli:
        try:
            proc = subprocess.run([*cli, "-f", path.name, "config", "--quiet"], cwd=repo, capture_output=True,
                                  timeout=timeout, env=_bare_env())
            step.validated_with.append(" ".join(["docker compose" if len(cli) == 2 else "docker-compose", "config"]))
            if proc.returncode != 0:
                step.problems.append("compose config: " + tail(proc.stderr.decode("utf-8", "replace"), 5))
        except subprocess.TimeoutExpired:
            step.problems.append(f"compose config exceeded {timeout:.0f}s")
    step.valid = not step.problems
    step.status = StepStatus.ok if step.valid else StepStatus.failed
    step.reason = None if step.valid else "; ".join(step.problems)[:500]
    return step
