#!/usr/bin/env bash
# Make a Docker engine and the local base image available for the runtime-stage tests.
#
# Idempotent: if `docker info` already answers, the daemon is left alone; the base image is
# reused by tag. Installs Debian's docker.io and debootstrap with apt-get when missing.
# Environment knobs: GRADER_DOCKERD_LOG (default /var/log/grader-dockerd.log),
# GRADER_BASE_IMAGE (default grader-base:bookworm), GRADER_BASE_IMAGE_NEW (default grader-base:trixie),
# GRADER_SKIP_BASE_IMAGE=1.
set -uo pipefail

LOG="${GRADER_DOCKERD_LOG:-/var/log/grader-dockerd.log}"
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"

have() { command -v "$1" >/dev/null 2>&1; }
as_root() { if [ "$(id -u)" = 0 ]; then "$@"; elif have sudo; then sudo -n "$@"; else "$@"; fi; }

daemon_up() { docker info >/dev/null 2>&1; }

wait_for_daemon() {
  local i
  for i in $(seq 1 "${1:-60}"); do
    daemon_up && return 0
    sleep 1
  done
  return 1
}

start_dockerd() {
  # No bridge/iptables: the sandbox has no netfilter and run-time containers use network "none".
  local extra=("$@")
  echo "starting dockerd ${extra[*]:-} (log: $LOG)"
  mkdir -p "$(dirname "$LOG")"
  as_root nohup dockerd --bridge=none --iptables=false --ip6tables=false "${extra[@]}" >>"$LOG" 2>&1 &
  wait_for_daemon 60
}

missing=()
have docker || have docker.io || missing+=(docker.io)
have dockerd || missing+=(docker.io)
have debootstrap || missing+=(debootstrap)
if [ ${#missing[@]} -gt 0 ]; then
  echo "installing: ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  as_root apt-get update -q >/dev/null
  as_root apt-get install -y -q --no-install-recommends $(printf '%s\n' "${missing[@]}" | sort -u) >/dev/null || {
    echo "apt-get install failed; runtime tests will be skipped" >&2
    exit 0
  }
fi

if daemon_up; then
  echo "docker daemon already running"
else
  # overlay2 works on most kernels; fall back to vfs where overlay mounts are refused.
  if ! start_dockerd; then
    echo "dockerd did not come up with the default storage driver; retrying with vfs" >&2
    tail -5 "$LOG" >&2 || true
    pid=$(pgrep -x dockerd | head -1 || true)
    [ -n "$pid" ] && as_root kill "$pid" && sleep 2
    start_dockerd --storage-driver=vfs || {
      echo "dockerd failed to start; see $LOG. Docker tests will be skipped." >&2
      tail -20 "$LOG" >&2 || true
      exit 0
    }
  fi
fi
docker version --format 'docker engine {{.Server.Version}} (API {{.Server.APIVersion}})' || true

if [ "${GRADER_SKIP_BASE_IMAGE:-0}" != "1" ]; then
  # Two base images; the runtime stage picks per app (grader/runtime/base_choice.py): bookworm for apps
  # locking Ruby 3.1 / Bundler 2.3 (Debian's Rails 6.1 gems), trixie for Rails 7.1+/8 apps (Ruby 3.3,
  # Bundler 2.6). About 2 to 4 minutes each from a Debian mirror.
  for tag in "${GRADER_BASE_IMAGE:-grader-base:bookworm}" "${GRADER_BASE_IMAGE_NEW:-grader-base:trixie}"; do
    bash "$HERE/scripts/build_base_image.sh" "$tag" \
      || echo "base image $tag build failed; docker tests needing it will be skipped" >&2
  done
fi
