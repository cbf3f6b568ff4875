"""Regenerate the ActiveRecord class-side API data (static_checks/data/active_record/class_api.json).

    python -m static_checks.models_world.generate_class --rails /work/.mirror/rails+rails/repo \\
        --turbo /work/.mirror/hotwired+turbo-rails/repo --ruby-listing CLASS_LISTING.txt

What `Chat.x` may call, and a relation or association of it (`Chat.where(..).x`, `user.chats.x`):
for the newest tag of each Rails minor from 6.1 on, our own extractor reads activerecord, activemodel,
activesupport, activestorage and actiontext at that tag (straight from git objects) and lists the
public singleton API of `ActiveRecord::Base` (its own class methods, the modules it extends, the
ClassMethods of the concerns it includes, the macros Active Storage and Action Text add to every
model), the `QUERYING_METHODS` Base delegates to `all`, and the public instance API of
`ActiveRecord::Relation`, `ActiveRecord::Associations::CollectionProxy` and the `WhereChain` of a bare
`where`. A real Ruby's listing
(tools/active_record_class_api.rb, e.g. with Debian's ruby-activerecord) fills in what runs at load
time (Object/Class methods with ActiveSupport's core extensions, Enumerable on relations) and is
applied to every version. turbo-rails' Broadcastable class methods are read the same way (every
model has them when the app bundles turbo-rails). Output is deterministic.
"""

from __future__ import annotations

import argparse
import json
import re
from pathlib import Path

from static_checks.manifest.extract import extract_files
from static_checks.manifest.generate import read_blobs
from static_checks.manifest.model import Manifest
from static_checks.models_world.generate import (
    _rb_files,
    add_gem_api,
    first_public,
    instance_order,
    listing_names,
    newest_tags,
    public_instance_api,
)

DATA = Path(__file__).resolve().parent.parent / "data" / "active_record" / "class_api.json"
_FRAMEWORKS = ("activerecord/lib/", "activemodel/lib/", "activesupport/lib/", "activestorage/lib/",
               "actiontext/lib/")
# Modules the Active Storage and Action Text railties include into ActiveRecord::Base (on_load hooks).
_RAILTIE_INCLUDES = ("ActiveStorage::Attached::Model", "ActiveStorage::Reflection::ActiveRecordExtensions",
                     "ActionText::Attribute")
_QUERYING = "activerecord/lib/active_record/querying.rb"
_CONSTANT_LIST = re.compile(rb"QUERYING_METHODS\s*=\s*\[(.*?)\]", re.S)
_SYMBOL = re.compile(rb":([A-Za-z_]\w*[?!]?)")


def public_class_api(m: Manifest, owner: str, extra_includes: tuple[str, ...] = ()) -> list[str]:
    """Public singleton methods of class `owner` (first definition wins, as in Ruby's lookup)."""
    sources: list[tuple[str, bool]] = []  # (namespace, its singleton side?)
    classes: list[str] = []
    instance_order(m, owner, classes)
    classes = [c for c in classes if (ns := m.namespaces.get(c)) is not None and ns.kind == "class"]
    for cls in classes:
        sources.append((cls, True))
        ns = m.namespaces[cls]
        modules: list[str] = []
        for mod in reversed(ns.extends):
            instance_order(m, mod, modules)
        included: list[str] = []
        for inc in [*reversed(ns.includes), *(extra_includes if cls == owner else ())]:
            instance_order(m, inc, included)
        for mod in included:
            cm = f"{mod}::ClassMethods"
            if cm in m.namespaces:
                instance_order(m, cm, modules)
            # a concern's `included do extend X end` (the extractor files it under the concern's extends)
            for ext in reversed(m.namespaces[mod].extends if mod in m.namespaces else []):
                if ext != "ActiveSupport::Concern":
                    instance_order(m, ext, modules)
        sources.extend((mod, False) for mod in modules)
    return first_public(m, sources)


def querying_methods(rails: Path, tag: str) -> list[str]:
    """The names `ActiveRecord::Querying` delegates from the class to `all` (a constant list)."""
    [(_, text)] = read_blobs(rails, tag, [_QUERYING])
    found = _CONSTANT_LIST.search(text)
    return sorted({s.decode() for s in _SYMBOL.findall(found.group(1))}) if found else []


def generate(rails: Path, turbo: Path | None, listing: Path | None) -> dict:
    out: dict = {"format": 1, "rails": {}, "tags": {}, "gems": {}, "runtime_listing": []}
    for minor, tag in newest_tags(rails).items():
        m = extract_files(_rb_files(rails, tag, *_FRAMEWORKS), "rails", tag)
        names = set(public_class_api(m, "ActiveRecord::Base", _RAILTIE_INCLUDES))
        names.update(querying_methods(rails, tag))
        names.update(public_instance_api(m, "ActiveRecord::Relation"))
        names.update(public_instance_api(m, "ActiveRecord::Associations::CollectionProxy"))
        # `Chat.where` without arguments is a WhereChain (`.not`, `.missing`, `.associated`), typed as a relation
        names.update(public_instance_api(m, "ActiveRecord::QueryMethods::WhereChain"))
        out["rails"][minor] = sorted(names)
        out["tags"][minor] = tag
    if turbo is not None:
        add_gem_api(out, turbo, "turbo-rails", "app/models/", "Turbo::Broadcastable::ClassMethods")
    if listing is not None:
        out["runtime_listing"] = listing_names(listing)
    return out


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--rails", type=Path, required=True, help="bare git dir of rails/rails")
    ap.add_argument("--turbo", type=Path)
    ap.add_argument("--ruby-listing", type=Path, help="output of tools/active_record_class_api.rb")
    ap.add_argument("--out", type=Path, default=DATA)
    args = ap.parse_args(argv)
    data = generate(args.rails, args.turbo, args.ruby_listing)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(data, indent=0, sort_keys=True) + "\n")
    print(f"wrote {args.out} ({', '.join(f'{k}: {len(v)}' for k, v in data['rails'].items())})")


if __name__ == "__main__":
    main()
