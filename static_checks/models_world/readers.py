"""Association readers that lead to given models (`has_many :chats` -> `chats` for `Chat`), read with a
regex so the inferer can decide which files to scan before any tree is walked: a controller that only
writes `current_user.chats.find(id)` names no `Chat`, yet its records are acts_as records."""

from __future__ import annotations

import re

import inflection

_DECLARATION = re.compile(
    rb"^\s*(has_many|has_one|belongs_to|has_and_belongs_to_many)\s*\(?\s*:(\w+)([^\n]*)", re.M)
_CLASS_NAME = re.compile(rb"""class_name:\s*["':]*(?:::)?([\w:]+)""")


def readers_of(sources: list[bytes], short_names: set[str]) -> set[str]:
    """Reader names that any of `sources` declares for a model whose short class name is in `short_names`."""
    out: set[str] = set()
    for source in sources:
        if b"has_" not in source and b"belongs_to" not in source:
            continue
        for m in _DECLARATION.finditer(source):
            macro, reader = m.group(1).decode(), m.group(2).decode()
            named = _CLASS_NAME.search(m.group(3))
            if named is not None:
                klass = named.group(1).decode().rsplit("::", 1)[-1]
            else:
                plural = macro in ("has_many", "has_and_belongs_to_many")
                klass = inflection.camelize(inflection.singularize(reader) if plural else reader)
            if klass in short_names:
                out.add(reader)
    return out
