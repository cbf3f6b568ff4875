#!/usr/bin/env bash
# Build the local base image the runtime stage uses when no registry is reachable.
#
# debootstrap (bookworm, minbase) from the Debian mirror apt already uses on this machine,
# then `docker import`. Reused by tag: if the image exists, nothing is rebuilt
# (set GRADER_BASE_REBUILD=1 to force).
#
#   scripts/build_base_image.sh [TAG]     default TAG: grader-base:bookworm
set -euo pipefail

TAG="${1:-${GRADER_BASE_IMAGE:-grader-base:bookworm}}"
SUITE="${GRADER_BASE_SUITE:-bookworm}"
# Ruby toolchain the fixtures and gates need. Rails 6.1 comes as Debian's ruby-rails (no node).
# brakeman and bundler-audit are not packaged for bookworm: those gates report "not_run".
PACKAGES="${GRADER_BASE_PACKAGES:-ruby,ruby-bundler,ruby-minitest,ruby-rack,ruby-rack-test,puma,rubocop,ruby-simplecov,ruby-rspec,ruby-rails,procps}"

if docker image inspect "$TAG" >/dev/null 2>&1 && [ "${GRADER_BASE_REBUILD:-0}" != "1" ]; then
  echo "base image $TAG present, reusing"
  exit 0
fi

command -v debootstrap >/dev/null || { echo "debootstrap missing: apt-get install -y debootstrap" >&2; exit 1; }

# The mirror apt uses here (deb822 .sources or a classic sources.list line).
mirror_from_apt() {
  local uri=""
  if compgen -G "/etc/apt/sources.list.d/*.sources" >/dev/null; then
    uri=$(awk '/^URIs:/ {print $2; exit}' /etc/apt/sources.list.d/*.sources 2>/dev/null || true)
  fi
  if [ -z "$uri" ] && [ -f /etc/apt/sources.list ]; then
    uri=$(awk '$1=="deb" && $0 !~ /security/ {for (i=2;i<=NF;i++) if ($i ~ /^https?:/) {print $i; exit}}' /etc/apt/sources.list || true)
  fi
  echo "${uri:-http://deb.debian.org/debian}"
}
MIRROR="${GRADER_BASE_MIRROR:-$(mirror_from_apt)}"

WORK="$(mktemp -d /tmp/grader-base.XXXXXX)"
ROOTFS="$WORK/rootfs"
cleanup() { rm -rf "$WORK"; }
trap cleanup EXIT

echo "debootstrap $SUITE from $MIRROR into $ROOTFS"
debootstrap --variant=minbase --include="$PACKAGES" "$SUITE" "$ROOTFS" "$MIRROR" >"$WORK/debootstrap.log" 2>&1 || {
  tail -40 "$WORK/debootstrap.log" >&2
  [ -f "$ROOTFS/debootstrap/debootstrap.log" ] && tail -40 "$ROOTFS/debootstrap/debootstrap.log" >&2
  exit 1
}

# Unprivileged user the run-time containers use (uid 1000); /app is where the graded repo is copied.
chroot "$ROOTFS" /usr/sbin/groupadd --gid 1000 grader
chroot "$ROOTFS" /usr/sbin/useradd --uid 1000 --gid 1000 --create-home --shell /bin/sh grader
mkdir -p "$ROOTFS/app"
chroot "$ROOTFS" chown 1000:1000 /app
# Shrink: apt lists, caches, docs.
rm -rf "$ROOTFS"/var/lib/apt/lists/* "$ROOTFS"/var/cache/apt/*.bin "$ROOTFS"/var/cache/apt/archives/*.deb \
       "$ROOTFS"/usr/share/doc/* "$ROOTFS"/usr/share/man/* "$ROOTFS"/usr/share/info/*

tar --numeric-owner -C "$ROOTFS" -c . | docker import \
  --change 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
  --change 'ENV LANG=C.UTF-8' \
  --change 'WORKDIR /app' \
  --change 'LABEL grader.base=true' \
  --change 'CMD ["/bin/sh"]' \
  - "$TAG"
echo "built $TAG"
docker image inspect "$TAG" --format '{{.Id}} {{.Size}}'
