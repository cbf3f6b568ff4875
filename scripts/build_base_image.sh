#!/usr/bin/env bash
# Build a local base image the runtime stage uses when no registry is reachable.
#
# debootstrap (minbase) from the Debian mirror apt already uses on this machine, then `docker import`.
# The suite comes from the tag: grader-base:bookworm is Debian 12 (Ruby 3.1, Bundler 2.3, Rails 6.1),
# grader-base:trixie is Debian 13 (Ruby 3.3, Bundler 2.6, Rails 7.2), which reads the Gemfiles of
# Rails 7.1+/8 apps (`platforms: %i[ windows jruby ]` needs Bundler >= 2.4). The image is labelled with
# its Ruby and Bundler versions (grader.ruby, grader.bundler): the runtime stage picks, per app, the
# local image that fits what the app asks for. Reused by tag when it carries those labels (set
# GRADER_BASE_REBUILD=1 to force).
#
#   scripts/build_base_image.sh [TAG]     default TAG: grader-base:bookworm
set -euo pipefail

TAG="${1:-${GRADER_BASE_IMAGE:-grader-base:bookworm}}"
case "${TAG##*:}" in
  bookworm|trixie) DEFAULT_SUITE="${TAG##*:}" ;;
  *) DEFAULT_SUITE=bookworm ;;
esac
SUITE="${GRADER_BASE_SUITE:-$DEFAULT_SUITE}"
# Ruby toolchain the fixtures and gates need; Rails comes as Debian's ruby-rails (no node).
# brakeman and bundler-audit are not packaged in either suite: those gates run only when the app bundles them.
PACKAGES="${GRADER_BASE_PACKAGES:-ruby,ruby-bundler,ruby-minitest,ruby-rack,ruby-rack-test,puma,rubocop,ruby-simplecov,ruby-rspec,ruby-rails,procps}"

if [ "${GRADER_BASE_REBUILD:-0}" != "1" ] && docker image inspect "$TAG" >/dev/null 2>&1; then
  if [ -n "$(docker image inspect "$TAG" --format '{{ index .Config.Labels "grader.ruby" }}' 2>/dev/null)" ]; then
    echo "base image $TAG present, reusing"
    exit 0
  fi
  echo "base image $TAG has no version labels (built by an older script): rebuilding"
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
# What the runtime stage chooses by (grader/runtime/base_choice.py).
RUBY_VERSION=$(chroot "$ROOTFS" ruby -e 'print RUBY_VERSION')
BUNDLER_VERSION=$(chroot "$ROOTFS" ruby -e 'require "bundler/version"; print Bundler::VERSION')
RAILS_VERSION=$(chroot "$ROOTFS" ruby -e 'print Gem::Specification.find_by_name("railties").version' 2>/dev/null || true)
# Shrink: apt lists, caches, docs.
rm -rf "$ROOTFS"/var/lib/apt/lists/* "$ROOTFS"/var/cache/apt/*.bin "$ROOTFS"/var/cache/apt/archives/*.deb \
       "$ROOTFS"/usr/share/doc/* "$ROOTFS"/usr/share/man/* "$ROOTFS"/usr/share/info/*

tar --numeric-owner -C "$ROOTFS" -c . | docker import \
  --change 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
  --change 'ENV LANG=C.UTF-8' \
  --change 'WORKDIR /app' \
  --change 'LABEL grader.base=true' \
  --change "LABEL grader.suite=$SUITE grader.ruby=$RUBY_VERSION grader.bundler=$BUNDLER_VERSION grader.rails=$RAILS_VERSION" \
  --change 'CMD ["/bin/sh"]' \
  - "$TAG"
echo "built $TAG"
docker image inspect "$TAG" --format '{{.Id}} {{.Size}} {{json .Config.Labels}}'
