"""What the stage reads from a repo's Dockerfile before building it (pure, no engine)."""

from grader.runtime.builds import base_images
from grader.runtime.dockerfile_scan import scan_dockerfile


def test_base_images_skip_stage_aliases_and_scratch_and_resolve_args():
    text = """# syntax=docker/dockerfile:1
ARG RUBY_VERSION=3.4.7
ARG DISTRO="slim"
FROM docker.io/library/ruby:$RUBY_VERSION-${DISTRO} AS base
ARG LATE=ignored
FROM base AS build
RUN bundle install
FROM --platform=linux/amd64 ruby:3.4-slim
FROM ${UNKNOWN_BASE}
FROM scratch
COPY --from=build /app /app
"""
    assert base_images(text) == ["docker.io/library/ruby:3.4.7-slim", "ruby:3.4-slim", "${UNKNOWN_BASE}"]


def test_remote_add_is_detected():
    assert scan_dockerfile("FROM x\nADD https://example.com/a.tgz /tmp/\n").remote_sources
    assert scan_dockerfile("FROM x\nadd --chown=1:1 git@github.com:a/b.git /src\n").remote_sources
    assert not scan_dockerfile("FROM x\nADD vendor.tgz /tmp/\nRUN curl https://x\n").remote_sources
