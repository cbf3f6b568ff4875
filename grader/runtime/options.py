"""Options of the runtime stage (no docker import: the CLI builds these before deciding to run)."""

from __future__ import annotations

from pydantic import BaseModel, Field


class Timeouts(BaseModel):
    """Seconds per step; the whole stage is also bounded by RuntimeOptions.budget."""

    build: float = 600
    test_image: float = 600
    boot: float = 90
    tests: float = 300
    gate: float = 180
    compose: float = 60


class Limits(BaseModel):
    memory: str = "1g"
    cpus: float = 1.0
    pids: int = 256
    disk: str = "2g"  # writable layer of each run container and build step (sandbox_limits)
    user: str = "1000:1000"  # numeric, so it works in images without a passwd entry for it


class RuntimeOptions(BaseModel):
    base_image: str | None = None  # default: the profile's ruby:<repo's version> image
    profile: str | None = None  # default: detected
    timeouts: Timeouts = Field(default_factory=Timeouts)
    budget: float = 1500
    limits: Limits = Field(default_factory=Limits)
    build_network: bool = False  # network (and pulls) during image builds; off unless the user asks
    gem_mirror: str | None = None  # Bundler mirror for rubygems.org during builds (implies build network)
    compose_up: bool = False
    run_id: str | None = None  # default: a fresh random id
    build_repo_dockerfile: bool = True
    parallel_steps: int = 2  # tests and gates side by side (each container keeps its own limits)
