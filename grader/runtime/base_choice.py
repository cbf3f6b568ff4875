"""Which local base image a repo's test image starts from, when --base-image does not say.

scripts/build_base_image.sh labels each image it builds with its Ruby and Bundler versions
(`grader.ruby`, `grader.bundler`). Two are built: bookworm (Ruby 3.1, Bundler 2.3, Debian's Rails 6.1)
and trixie (Ruby 3.3, Bundler 2.6, Rails 7.2). Neither can serve every app: Bundler 2.3 cannot read a
Rails 7.1+ Gemfile (`platforms: %i[ windows jruby ]`) and Rails 8 needs Ruby 3.2; an app locking Ruby
3.1 and Rails 6.1 installs offline only from bookworm's gems. So the repo's own words decide: the Ruby it
asks for (Gemfile `ruby`, .ruby-version, Gemfile.lock RUBY VERSION, its Dockerfile, in that order) and
the Bundler that wrote its lockfile (BUNDLED WITH).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from grader.core.gems import ruby_version_claims
from grader.core.repo import RepoReader
from grader.runtime.repo_files import read_repo_text

# bounded digit runs: the repo writes these files, and int() refuses a number of thousands of digits
_VERSION = re.compile(r"^(\d{1,9})(?:\.(\d{1,9}))?(?:\.(\d{1,9}))?")
_BUNDLED_WITH = re.compile(r"^BUNDLED WITH\s*\n\s+(\d{1,9}(?:\.\d{1,9}){0,3})", re.MULTILINE)
# Bundler's view first: it refuses a Ruby other than the Gemfile's (`ruby "3.3.6"`, `ruby file:
# ".ruby-version"`), whatever the app's own Dockerfile builds on.
_BUNDLER_ORDER = {"gemfile": 0, "ruby_version_file": 1, "gemfile_lock": 2, "dockerfile_arg": 3, "dockerfile_from": 4}
_CLAIM_NAMES = {"dockerfile_arg": "Dockerfile", "dockerfile_from": "Dockerfile FROM",
                "ruby_version_file": ".ruby-version", "gemfile": "Gemfile ruby", "gemfile_lock": "Gemfile.lock"}


def version_tuple(text: str | None) -> tuple[int, ...] | None:
    """(3, 3, 8) from "3.3.8", (3, 3) from "3.3"; None when it does not start with a number."""
    found = _VERSION.match((text or "").strip())
    if found is None:
        return None
    return tuple(int(part) for part in found.groups() if part is not None)


@dataclass(frozen=True)
class BaseImage:
    """A local base image and the versions its labels give."""

    tag: str
    ruby: tuple[int, ...]
    bundler: tuple[int, ...]

    def describe(self) -> str:
        return f"{self.tag} (Ruby {_dotted(self.ruby)}, Bundler {_dotted(self.bundler)})"


@dataclass(frozen=True)
class RepoAsks:
    """What the repo says it runs on; each None when it does not say."""

    ruby: tuple[int, ...] | None = None
    ruby_from: str | None = None  # where it says so, e.g. ".ruby-version"
    bundler: tuple[int, ...] | None = None  # Gemfile.lock BUNDLED WITH

    def describe(self) -> str:
        said = []
        if self.ruby is not None:
            said.append(f"Ruby {_dotted(self.ruby)} ({self.ruby_from})")
        if self.bundler is not None:
            said.append(f"Bundler {_dotted(self.bundler)} (Gemfile.lock BUNDLED WITH)")
        return " and ".join(said) if said else "no Ruby or Bundler version"


def _dotted(version: tuple[int, ...]) -> str:
    return ".".join(str(part) for part in version)


def repo_asks(repo: Path) -> RepoAsks:
    """The first Ruby claim that has a number, and BUNDLED WITH, of the app at `repo`."""
    ruby = ruby_from = None
    claims = ruby_version_claims(RepoReader(repo, follow_links=True))
    for claim in sorted(claims, key=lambda c: _BUNDLER_ORDER.get(c.source, len(_BUNDLER_ORDER))):
        ruby = version_tuple(claim.number)
        if ruby is not None:
            ruby_from = _CLAIM_NAMES.get(claim.source, claim.source)
            break
    found = _BUNDLED_WITH.search(read_repo_text(repo, "Gemfile.lock") or "")
    return RepoAsks(ruby, ruby_from, version_tuple(found.group(1)) if found else None)


def choose_base(images: list[BaseImage], asks: RepoAsks) -> tuple[BaseImage, str] | None:
    """The image to use and one line saying why; None when there is no labelled image.

    Preference, in order: Ruby at least the minor version asked; Bundler at least the lockfile's
    minor version (an older one cannot read what a newer one wrote); the very minor version asked;
    then the oldest image that still qualifies (closest to the app's era, whose Debian gems an older
    lock is likelier to match), or the newest when the repo says nothing at all."""
    if not images:
        return None

    def rank(image: BaseImage):
        ruby_ok = asks.ruby is None or image.ruby[:2] >= asks.ruby[:2]
        bundler_ok = asks.bundler is None or image.bundler[:2] >= asks.bundler[:2]
        same_minor = asks.ruby is not None and image.ruby[:2] == asks.ruby[:2]
        # Too old for what is asked, or nothing asked: the newest; otherwise the oldest that qualifies.
        newest_first = not ruby_ok or (asks.ruby is None and asks.bundler is None)
        age = image.ruby if newest_first else tuple(-p for p in image.ruby)
        return ruby_ok, bundler_ok, same_minor, age, image.tag

    best = max(images, key=rank)
    ruby_ok, bundler_ok, _, _, _ = rank(best)
    why = f"the repo asks for {asks.describe()}"
    if asks.ruby is None and asks.bundler is None:
        why += ": the newest local base image"
    elif not ruby_ok or not bundler_ok:
        why += ": no local base image has it; the closest"
    return best, f"{best.describe()}: {why}"


def labelled_images(listing: list[tuple[list[str], dict[str, str]]]) -> list[BaseImage]:
    """BaseImages from (tags, labels) pairs of the engine's `grader.base=true` images. Left out: images
    without version labels (built by an older script), and images of ours built on a base (test and
    bundle images inherit its labels; they carry `grader.managed`)."""
    found = []
    for tags, labels in listing:
        if labels.get("grader.managed"):
            continue
        ruby, bundler = version_tuple(labels.get("grader.ruby")), version_tuple(labels.get("grader.bundler"))
        if ruby is None or bundler is None:
            continue
        found.extend(BaseImage(tag, ruby, bundler) for tag in tags if not tag.endswith(":<none>"))
    return found
