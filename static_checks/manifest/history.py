"""One compact file per gem holding every release's manifest.

Layout (JSON, gzip-compressed):
  {"format": 1, "gem": "ruby_llm",
   "versions": [{"version": "1.0.0", "commit": "<sha>", "deps": {"ruby_llm-schema": "~> 0"}}, ...],
   "namespaces": {"RubyLLM::Chat": {
        "in": <mask>,                                  # releases that define it
        "v": [[<mask>, {"kind", "superclass", "includes", "extends", "location"}], ...],
        "c": {"CONST": <mask>},
        "i": {"ask": [[<mask>, <sig>], ...]},          # instance methods, one entry per signature variant
        "s": {...}}},                                  # singleton methods
   "config": {"openai_api_key": <mask>}}
A <mask> is an int whose bit i says "present in versions[i]". A <sig> is compact:
  {"p": "req:message,key:with,block", "vis": "private", "o": "alias", "r": "self", "f": "...", "b": "...",
   "l": "lib/x.rb:3", "lo": 1}                          # lo: method_missing answers only listed names
with defaults (public, def, no params) left out. `location` is not part of a signature's identity.

The call graph (extract_calls.py) sits beside it in `<gem>.calls.json.gz`, read only by the rules that
need it (every check parses the main file; the graph would double that):
  {"format": 1, "gem": "ruby_llm", "versions": [same as above],
   "calls": {"RubyLLM::Context#embed": [[<mask>, "RubyLLM::Embedding.embed,?.x"], ...]},
   "values": {"RubyLLM::Providers::OpenAI": <mask>}}        # constants the gem uses as values
"""

from __future__ import annotations

import gzip
import json
from pathlib import Path
from typing import Any

from static_checks.manifest.model import Manifest, MethodSig, Namespace, Param

FORMAT = 1
DATA_DIR = Path(__file__).resolve().parent.parent / "data" / "manifests"


def history_path(gem: str) -> Path:
    return DATA_DIR / f"{gem}.json.gz"


def encode_params(params: list[Param]) -> str:
    return ",".join(f"{p.kind}:{p.name}" if p.name else p.kind for p in params)


def decode_params(text: str) -> list[Param]:
    if not text:
        return []
    out = []
    for part in text.split(","):
        kind, _, name = part.partition(":")
        # our own generated data, read back: built without validation (a rebuilt namespace holds
        # dozens of signatures, and validating them was most of a lookup's cost)
        out.append(Param.model_construct(kind=kind, name=name or None))
    return out


def encode_sig(sig: MethodSig) -> dict[str, Any]:
    d: dict[str, Any] = {}
    if sig.params:
        d["p"] = encode_params(sig.params)
    if sig.visibility != "public":
        d["vis"] = sig.visibility
    if sig.origin != "def":
        d["o"] = sig.origin
    for key, val in (("r", sig.returns), ("f", sig.forwards_to), ("b", sig.block_param), ("l", sig.location)):
        if val is not None:
            d[key] = val
    if sig.answers_only_listed:
        d["lo"] = 1
    if sig.never_yields:
        d["ny"] = 1
    return d


def decode_sig(name: str, d: dict[str, Any]) -> MethodSig:
    return MethodSig.model_construct(
        name=name,
        params=decode_params(d.get("p", "")),
        visibility=d.get("vis", "public"),
        origin=d.get("o", "def"),
        returns=d.get("r"),
        forwards_to=d.get("f"),
        block_param=d.get("b"),
        location=d.get("l"),
        answers_only_listed=bool(d.get("lo", 0)),
        never_yields=bool(d.get("ny", 0)),
    )


def _identity(d: dict[str, Any]) -> str:
    return json.dumps({k: v for k, v in d.items() if k != "l"}, sort_keys=True)


def _add_variant(variants: list[list[Any]], bit: int, payload: dict[str, Any]) -> None:
    ident = _identity(payload)
    for v in variants:
        if _identity(v[1]) == ident:
            v[0] |= bit
            v[1] = payload  # keep the newest location
            return
    variants.append([bit, payload])


def build_history(gem: str, manifests: list[tuple[Manifest, dict[str, str]]]) -> dict[str, Any]:
    """manifests: (manifest, deps) in release order."""
    out: dict[str, Any] = {"format": FORMAT, "gem": gem, "versions": [], "namespaces": {}, "config": {}}
    for i, (m, deps) in enumerate(manifests):
        bit = 1 << i
        out["versions"].append({"version": m.version, "commit": m.source_commit, "deps": deps})
        for fq, ns in m.namespaces.items():
            entry = out["namespaces"].setdefault(fq, {"in": 0, "v": [], "c": {}, "i": {}, "s": {}})
            entry["in"] |= bit
            shape = {"kind": ns.kind, "superclass": ns.superclass, "includes": ns.includes, "extends": ns.extends}
            shape = {k: v for k, v in shape.items() if v}
            shape["location"] = ns.location
            _add_variant(entry["v"], bit, shape)
            for c in ns.constants:
                entry["c"][c] = entry["c"].get(c, 0) | bit
            for side, methods in (("i", ns.instance_methods), ("s", ns.singleton_methods)):
                for name, sig in methods.items():
                    _add_variant(entry[side].setdefault(name, []), bit, encode_sig(sig))
        for opt in m.config_options:
            out["config"][opt] = out["config"].get(opt, 0) | bit
    return out


def call_history_path(gem: str) -> Path:
    return DATA_DIR / f"{gem}.calls.json.gz"


def build_call_history(gem: str, manifests: list[tuple[Manifest, dict[str, str]]]) -> dict[str, Any]:
    """Every release's call graph and value constants, masked per release like build_history."""
    out: dict[str, Any] = {"format": FORMAT, "gem": gem, "versions": [], "calls": {}, "values": {}}
    for i, (m, deps) in enumerate(manifests):
        bit = 1 << i
        out["versions"].append({"version": m.version, "commit": m.source_commit, "deps": deps})
        for key, edges in m.calls.items():
            _add_edges(out["calls"].setdefault(key, []), bit, ",".join(edges))
        for const in m.value_constants:
            out["values"][const] = out["values"].get(const, 0) | bit
    return out


def _add_edges(variants: list[list[Any]], bit: int, edges: str) -> None:
    # one string per variant, not a list: the history is parsed whole at every load
    for v in variants:
        if v[1] == edges:
            v[0] |= bit
            return
    variants.append([bit, edges])


def write_history(path: Path, data: dict[str, Any]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    raw = json.dumps(data, separators=(",", ":"), sort_keys=True).encode()
    # mtime=0: the same input gives byte-identical output, so regenerating shows no diff.
    path.write_bytes(gzip.compress(raw, compresslevel=9, mtime=0))


def read_history(path: Path) -> dict[str, Any]:
    try:
        data = json.loads(gzip.decompress(path.read_bytes()))
    except FileNotFoundError:
        raise FileNotFoundError(
            f"no manifest history at {path}; run `python -m static_checks.manifest.generate`"
        ) from None
    if data.get("format") != FORMAT:
        raise ValueError(f"{path}: manifest format {data.get('format')!r}, expected {FORMAT}; regenerate it")
    return data


def pick(variants: list[list[Any]], bit: int) -> dict[str, Any] | None:
    for mask, payload in variants:
        if mask & bit:
            return payload
    return None


def namespace_at(fq: str, entry: dict[str, Any], bit: int, decode=decode_sig) -> Namespace | None:
    """Rebuild one namespace as it was in one release (`decode` may share signatures across releases)."""
    if not entry["in"] & bit:
        return None
    shape = pick(entry["v"], bit) or {}
    ns = Namespace(
        name=fq,
        kind=shape.get("kind", "module"),
        superclass=shape.get("superclass"),
        includes=shape.get("includes", []),
        extends=shape.get("extends", []),
        location=shape.get("location"),
        constants=sorted(c for c, mask in entry["c"].items() if mask & bit),
    )
    for side, target in (("i", ns.instance_methods), ("s", ns.singleton_methods)):
        for name, variants in entry[side].items():
            d = pick(variants, bit)
            if d is not None:
                target[name] = decode(name, d)
    return ns


def manifest_at(data: dict[str, Any], version: str, calls: dict[str, Any] | None = None) -> Manifest:
    """A whole release's Manifest (for tools and tests; the index rebuilds lazily instead);
    `calls`: the gem's call history, for the call graph."""
    idx = [v["version"] for v in data["versions"]].index(version)
    bit = 1 << idx
    m = Manifest(gem=data["gem"], version=version, source_commit=data["versions"][idx]["commit"])
    for fq, entry in data["namespaces"].items():
        ns = namespace_at(fq, entry, bit)
        if ns is not None:
            m.namespaces[fq] = ns
    m.config_options = sorted(o for o, mask in data["config"].items() if mask & bit)
    if calls is not None:
        for key, variants in calls["calls"].items():
            edges = pick(variants, bit)
            if edges is not None:
                m.calls[key] = edges.split(",") if edges else []
        m.value_constants = sorted(c for c, mask in calls["values"].items() if mask & bit)
    return m
