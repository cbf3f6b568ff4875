"""What the stage reads from a repo's Dockerfile before building it (pure, no engine)."""

from grader.runtime.builds import REMOTE_ADD, base_images


def testbase_images_skip_stage_aliases_scratch_and_args():
    text = """ARG RUBY_VERSION=3.4
FROM docker.io/library/ruby:$RUBY_VERSION-slim AS base
FROM base AS build
RUN bundle install
FROM --platform=linux/amd64 ruby:3.4-slim
FROM scratch
COPY --from=build /app /app
"""
    assert base_images(text) == ["ruby:3.4-slim"]


def test_remote_add_is_detected():
    assert REMOTE_ADD.search("FROM x\nADD https://example.com/a.tgz /tmp/\n")
    assert REMOTE_ADD.search("add --chown=1:1 git@github.com:a/b.git /src\n")
    assert not REMOTE_ADD.search("FROM x\nADD vendor.tgz /tmp/\nRUN curl https://x\n")
