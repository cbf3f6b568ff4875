"""Regenerate the ActiveRecord instance API data (static_checks/data/active_record/instance_api.json).

    python -m static_checks.models_world.generate --rails /work/.mirror/rails+rails/repo \\
        --globalid /work/.mirror/rails+globalid/repo --turbo /work/.mirror/hotwired+turbo-rails/repo \\
        [--ruby-listing LISTING.txt]

For the newest tag of each Rails minor from 6.1 on, our own extractor reads activerecord/lib and
activemodel/lib at that tag (straight from git objects) and walks `ActiveRecord::Base`'s includes:
the public instance methods every model has. The extractor cannot see what runs at boot
(`define_model_callbacks`, `mattr_accessor` configs, ActiveSupport::Callbacks); a real Ruby's
listing fills that in (`ruby static_checks/models_world/tools/active_record_api.rb`, e.g. with
Debian's ruby-activerecord) and is stored beside, applied to every version. GlobalID's
Identification (included into every model by its railtie) and turbo-rails' Broadcastable (into
every model when the app bundles turbo-rails) are read the same way. Output is deterministic.
"""

from __future__ import annotations

import argparse
import json
import re
from pathlib import Path

from static_checks.manifest.extract import extract_files
from static_checks.manifest.generate import _git, read_blobs
from static_checks.manifest.model import Manifest

DATA = Path(__file__).resolve().parent.parent / "data" / "active_record" / "instance_api.json"
_RAILS_TAG = re.compile(r"^v(\d+)\.(\d+)\.(\d+)(?:\.(\d+))?$")
OLDEST = (6, 1)


def _rb_files(repo: Path, tag: str, *dirs: str) -> list[tuple[str, bytes]]:
    names = [n for n in _git(repo, "ls-tree", "-r", "--name-only", tag, *dirs).decode().split()
             if n.endswith(".rb") and "/generators/" not in n]
    return read_blobs(repo, tag, names)


def instance_order(m: Manifest, name: str, out: list[str]) -> None:
    """`name` then what it includes (last first), then its superclass: Ruby's instance lookup order."""
    if name in out:
        return
    out.append(name)
    ns = m.namespaces.get(name)
    if ns is None:
        return
    for inc in reversed(ns.includes):
        instance_order(m, inc, out)
    if ns.superclass:
        instance_order(m, ns.superclass, out)


def first_public(m: Manifest, sources: list[tuple[str, bool]]) -> list[str]:
    """The public methods along `sources` ((namespace, its singleton side?) in lookup order), each name
    decided by its first definition, as Ruby's lookup does."""
    public: set[str] = set()
    decided: set[str] = set()
    for name, singleton in sources:
        ns = m.namespaces.get(name)
        if ns is None:
            continue
        for meth, sig in (ns.singleton_methods if singleton else ns.instance_methods).items():
            if meth not in decided:
                decided.add(meth)
                if sig.visibility == "public":
                    public.add(meth)
    return sorted(public)


def public_instance_api(m: Manifest, owner: str) -> list[str]:
    """Public instance methods of `owner` through its includes and superclasses (first definition wins)."""
    order: list[str] = []
    instance_order(m, owner, order)
    return first_public(m, [(name, False) for name in order])


def newest_tags(repo: Path) -> dict[str, str]:
    """Rails minor ("7.1") -> its newest release tag, from 6.1 on."""
    best: dict[str, tuple[tuple[int, ...], str]] = {}
    for tag in _git(repo, "tag").decode().split():
        m = _RAILS_TAG.match(tag)
        if not m:
            continue
        key = tuple(int(x) for x in m.groups() if x is not None)
        if key[:2] < OLDEST:
            continue
        minor = f"{key[0]}.{key[1]}"
        if minor not in best or key > best[minor][0]:
            best[minor] = (key, tag)
    return {k: v[1] for k, v in sorted(best.items(), key=lambda kv: tuple(int(x) for x in kv[0].split(".")))}


def _newest_tag(repo: Path) -> str:
    tags = [t for t in _git(repo, "tag").decode().split() if re.match(r"^v\d+\.\d+\.\d+$", t)]
    return max(tags, key=lambda t: tuple(int(x) for x in t[1:].split(".")))


def generate(rails: Path, globalid: Path | None, turbo: Path | None, listing: Path | None) -> dict:
    out: dict = {"format": 1, "rails": {}, "tags": {}, "gems": {}, "runtime_listing": []}
    for minor, tag in newest_tags(rails).items():
        m = extract_files(_rb_files(rails, tag, "activerecord/lib/", "activemodel/lib/"), "rails", tag)
        out["rails"][minor] = public_instance_api(m, "ActiveRecord::Base")
        out["tags"][minor] = tag
    if globalid is not None:
        add_gem_api(out, globalid, "globalid", "lib/", "GlobalID::Identification")
    if turbo is not None:
        add_gem_api(out, turbo, "turbo-rails", "app/models/", "Turbo::Broadcastable")
    if listing is not None:
        out["runtime_listing"] = listing_names(listing)
    return out


def add_gem_api(out: dict, repo: Path, gem: str, folder: str, module: str) -> None:
    """The public instance API of `module` in the gem's newest release, and that release, into `out`."""
    tag = _newest_tag(repo)
    m = extract_files(_rb_files(repo, tag, folder), gem, tag)
    out["gems"][gem] = public_instance_api(m, module)
    out["tags"][gem] = tag


def listing_names(listing: Path) -> list[str]:
    """The names a real Ruby listed (tools/*.rb output), one per line."""
    return sorted({line.strip() for line in listing.read_text().splitlines() if line.strip()})


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--rails", type=Path, required=True, help="bare git dir of rails/rails")
    ap.add_argument("--globalid", type=Path)
    ap.add_argument("--turbo", type=Path)
    ap.add_argument("--ruby-listing", type=Path, help="output of tools/active_record_api.rb")
    ap.add_argument("--out", type=Path, default=DATA)
    args = ap.parse_args(argv)
    data = generate(args.rails, args.globalid, args.turbo, args.ruby_listing)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(data, indent=0, sort_keys=True) + "\n")
    print(f"wrote {args.out} ({', '.join(f'{k}: {len(v)}' for k, v in data['rails'].items())})")


if __name__ == "__main__":
    main()
