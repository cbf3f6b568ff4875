"""The chat model the app configures, whether an env var overrides it, and whether it is the latest
of its family per the dated list in static_checks/data/model_slugs.yaml."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import tree_sitter as ts
import yaml

from static_checks.facts.context import FactContext, fact
from static_checks.facts.llm_calls import AGENT, llm_model
from static_checks.facts.registry import collector
from static_checks.facts.ruby_nodes import (
    args,
    call_name,
    const_path,
    contains,
    enclosing_method,
    kwarg,
    literal,
    receiver,
)
from static_checks.models import Evidence, VersionSource
from static_checks.parsing import ParsedFile
from static_checks.types.syntax import def_body, last_expression

SLUGS_PATH = Path(__file__).resolve().parent.parent / "data" / "model_slugs.yaml"
PASS_THROUGH = frozenset({"presence", "to_s", "strip", "freeze", "to_str", "dup"})
MAX_DEPTH = 5
ACTS_AS_CREATE = ("create", "create!", "find_or_create_by", "find_or_create_by!", "new")


@lru_cache(maxsize=4)
def load_slugs(path: Path = SLUGS_PATH) -> dict:
    return yaml.safe_load(path.read_text(encoding="utf-8"))


def normalize(slug: str) -> str:
    """Provider prefix, date and variant suffixes dropped; version dashes read as dots."""
    s = slug.strip().lower().lstrip("~").split(":")[0]
    s = s.rsplit("/", 1)[-1]
    s = re.sub(r"-(?:\d{8}|\d{4}-\d{2}-\d{2}|latest|0\d\d)$", "", s)  # dated snapshots, `-001` releases
    s = re.sub(r"(?<=\d)-(?=\d(?:\D|$))", ".", s)
    s = re.sub(r"(?<=\d)\.0$", "", s)
    return s


def released_by(family: dict, as_of: str, file_as_of: str) -> list[dict]:
    """The family's releases out by `as_of` (undated ones once a later release is out, or at the file's date)."""
    releases = family["releases"]
    out = []
    for i, r in enumerate(releases):
        date = r.get("released")
        if date is not None:
            known = str(date) <= as_of
        else:
            later = [str(x["released"]) for x in releases[i + 1:] if x.get("released")]
            out_by = r.get("out_by")
            known = (as_of >= file_as_of or any(d <= as_of for d in later)
                     or (out_by is not None and str(out_by) <= as_of))
        if known:
            out.append(r)
    return out


def judge(slug: str | None, data: dict | None = None, as_of: str | None = None) -> tuple[str, str | None, str | None]:
    """(verdict, family, latest slug of that family as of `as_of`, default the data file's date)."""
    data = data or load_slugs()
    file_as_of = str(data["as_of"])
    as_of = as_of or file_as_of
    if not slug:
        return "missing", None, None
    norm = normalize(slug)
    raw = slug.strip().lower().lstrip("~").split(":")[0]
    for fam in data["families"]:
        if all(w in norm for w in fam.get("match", [])) and not any(w in norm for w in fam.get("exclude", [])):
            out = released_by(fam, as_of, file_as_of)
            latest = out[-1]["slug"] if out else None
            if any(raw.endswith(a.rsplit("/", 1)[-1]) for a in fam.get("aliases", [])):
                return "latest", fam["family"], latest
            if latest is not None and norm == normalize(latest):
                return "latest", fam["family"], latest
            known = {normalize(r["slug"]) for r in out}
            return ("stale" if norm in known else "unknown_slug"), fam["family"], latest
    return "unknown_family", None, None


@dataclass
class Resolved:
    slug: str | None = None
    env_vars: list[str] = field(default_factory=list)
    evidence: list[Evidence] = field(default_factory=list)


@dataclass
class Symbols:
    """Constants and methods of the app's code, by short name, for following a model expression."""

    constants: dict[str, list[tuple[ParsedFile, ts.Node]]]
    methods: dict[str, list[tuple[ParsedFile, ts.Node]]]


def symbols(ctx: FactContext) -> Symbols:
    if "symbols" in ctx.cache:
        return ctx.cache["symbols"]
    consts: dict[str, list] = {}
    methods: dict[str, list] = {}
    for pf in ctx.code_files():
        idx = ctx.index(pf)
        for a in idx.of("assignment", "operator_assignment"):
            left = a.child_by_field_name("left")
            if left is not None and left.type in ("constant", "scope_resolution"):
                name = (const_path(left) or pf.text(left)).rsplit("::", 1)[-1]
                consts.setdefault(name, []).append((pf, a.child_by_field_name("right")))
        for m in idx.of("method", "singleton_method"):
            n = m.child_by_field_name("name")
            if n is not None:
                methods.setdefault(pf.text(n), []).append((pf, m))
    ctx.cache["symbols"] = Symbols(consts, methods)
    return ctx.cache["symbols"]


def resolve(ctx: FactContext, pf: ParsedFile, node: ts.Node | None, depth: int = 0) -> Resolved:
    """Follow a model expression to a literal slug and the env vars that can override it."""
    out = Resolved()
    if node is None or depth > MAX_DEPTH:
        return out
    t = node.type
    if t in ("string", "simple_symbol"):
        value = literal(node)
        if value:
            out.slug = value
            out.evidence.append(ctx.ev(pf, node))
        return out
    if t == "parenthesized_statements" and node.named_children:
        return resolve(ctx, pf, node.named_children[-1], depth + 1)
    if t == "element_reference" and node.named_children and pf.text(node.named_children[0]) == "ENV":
        key = literal(node.named_children[1]) if len(node.named_children) > 1 else None
        out.env_vars.append(key or pf.text(node))
        out.evidence.append(ctx.ev(pf, node))
        return out
    if t == "binary" and pf.text(node.child_by_field_name("operator")) in ("||", "or"):
        return merge(resolve(ctx, pf, node.child_by_field_name("left"), depth + 1),
                     resolve(ctx, pf, node.child_by_field_name("right"), depth + 1))
    if t == "call":
        return _resolve_call(ctx, pf, node, depth)
    if t in ("constant", "scope_resolution"):
        short = (const_path(node) or pf.text(node)).rsplit("::", 1)[-1]
        for cpf, value in symbols(ctx).constants.get(short, [])[:1]:
            return resolve(ctx, cpf, value, depth + 1)
        return out
    if t == "identifier":
        return _resolve_local(ctx, pf, node, depth)
    if t == "instance_variable":
        for a in ctx.index(pf).of("assignment", "operator_assignment"):
            left = a.child_by_field_name("left")
            if left is not None and pf.text(left) == pf.text(node):
                return resolve(ctx, pf, a.child_by_field_name("right"), depth + 1)
    return out


def _resolve_call(ctx: FactContext, pf: ParsedFile, node: ts.Node, depth: int) -> Resolved:
    """`ENV.fetch("K", default)`, a pass-through call on a model expression, or a method of the app."""
    out = Resolved()
    name = call_name(node)
    recv = receiver(node)
    if recv is not None and pf.text(recv) == "ENV" and name in ("fetch", "[]"):
        a = args(node)
        key = literal(a[0]) if a else None
        out.env_vars.append(key or "?")
        out.evidence.append(ctx.ev(pf, node))
        default = a[1] if len(a) > 1 else None
        block = node.child_by_field_name("block")
        if default is None and block is not None:
            body = block.child_by_field_name("body")
            default = last_expression(body) if body is not None else None
        return merge(out, resolve(ctx, pf, default, depth + 1))
    if name in PASS_THROUGH and recv is not None:
        return resolve(ctx, pf, recv, depth + 1)
    if not args(node) and name:
        return follow_method(ctx, name, depth)
    return out


def _resolve_local(ctx: FactContext, pf: ParsedFile, node: ts.Node, depth: int) -> Resolved:
    """A local: the last assignment to it before the use, in the same method; else a method call."""
    method = enclosing_method(node)
    if method is not None:
        for a in reversed(ctx.index(pf).of("assignment", "operator_assignment")):
            left = a.child_by_field_name("left")
            if (a.end_byte <= node.start_byte and method.start_byte <= a.start_byte and left is not None
                    and left.type == "identifier" and pf.text(left) == pf.text(node)):
                return resolve(ctx, pf, a.child_by_field_name("right"), depth + 1)
    return follow_method(ctx, pf.text(node), depth)


def follow_method(ctx: FactContext, name: str, depth: int) -> Resolved:
    for mpf, m in symbols(ctx).methods.get(name, [])[:1]:
        return resolve(ctx, mpf, last_expression(def_body(m)), depth + 1)
    return Resolved()


def merge(a: Resolved, b: Resolved) -> Resolved:
    return Resolved(a.slug or b.slug, a.env_vars + b.env_vars, a.evidence + b.evidence)


def model_sites(ctx: FactContext) -> list[tuple[ParsedFile, ts.Node, ts.Node]]:
    """(file, site, model expression) for chat(model:), Chat.new(model:), with_model(x), default_model = x."""
    model = llm_model(ctx)
    sites = []
    for c in model.code_calls("chat", "new", "with_model", "default_model", *ACTS_AS_CREATE):
        if c.name in ("chat", "new") and c.rtype.singleton and c.rtype.name in ("RubyLLM", "RubyLLM::Chat"):
            expr = kwarg(c.pf, c.node, "model")
        elif c.name == "with_model" and model.is_chat(c.rtype):
            a = args(c.node)
            expr = a[0] if a else None
        elif c.rtype.singleton and c.rtype.app_class and c.name in ACTS_AS_CREATE and model.is_chat(c.rtype.instance()):
            # acts_as_chat: `Chat.create!(model: "...")` (model_id: before 1.7)
            expr = kwarg(c.pf, c.node, "model") or kwarg(c.pf, c.node, "model_id")
        elif c.name == "default_model" and c.rtype.name == "RubyLLM::Configuration":
            parent = c.node.parent
            expr = parent.child_by_field_name("right") if parent is not None and parent.type == "assignment" else None
        else:
            expr = None
        if expr is not None:
            sites.append((c.pf, c.node, expr))
    for pf, node in model.agent_macros("model"):  # `model "..."` of an agent the app uses
        a = args(node)
        if a:
            sites.append((pf, node, a[0]))
    return sites


MODEL_FACTS = ["model.slug", "model.family", "model.latest_in_family", "model.verdict", "model.as_of",
               "model.is_claude_sonnet", "model.env_overridable"]


DEFAULTS_PATH = SLUGS_PATH.with_name("gem_default_models.yaml")


def gem_default_model(version: str | None) -> str | None:
    """The model the locked ruby_llm uses when the app configures none."""
    if not version:
        return None
    try:
        want = tuple(int(x) for x in version.split(".")[:3])
    except ValueError:
        return None
    chosen = None
    for entry in yaml.safe_load(DEFAULTS_PATH.read_text(encoding="utf-8"))["defaults"]:
        if tuple(int(x) for x in entry["from"].split(".")) <= want:
            chosen = entry["model"]
    return chosen


def repo_date(ctx: FactContext) -> str | None:
    """Date (YYYY-MM-DD) of the repo's last commit: staleness is judged as of when the app was
    written, not today (issue 10, cause 6). None when the repo is no git checkout."""
    import subprocess

    if not (ctx.base / ".git").exists():
        return None
    try:
        out = subprocess.run(
            ["git", "-c", "safe.directory=*", "-c", "core.fsmonitor=false", "-C", str(ctx.base), "log", "-1",
             "--format=%cs"], capture_output=True, text=True, timeout=10,
            env={"PATH": "/usr/bin:/bin", "GIT_CONFIG_NOSYSTEM": "1", "HOME": "/nonexistent"})
    except (OSError, subprocess.SubprocessError):
        return None
    date = out.stdout.strip()
    return date if out.returncode == 0 and re.fullmatch(r"\d{4}-\d{2}-\d{2}", date) else None


def _locked_version(ctx: FactContext) -> str | None:
    """The ruby_llm release the app locked; None when it is only inferred (constraint, newest release,
    git/path source): the default model would then be a guess."""
    for root in ctx.roots:
        if root.path == ctx.app_root and root.version_source is VersionSource.gemfile_lock:
            return root.ruby_llm_version
    return None


@collector(ids=MODEL_FACTS)
def configured_model(ctx: FactContext):
    rule = "facts/model/slug"
    data = load_slugs()
    resolved = []
    for pf, site, expr in model_sites(ctx):
        r = resolve(ctx, pf, expr)
        r.evidence.insert(0, ctx.ev(pf, site))
        resolved.append((pf.text(site).find("default_model") < 0, r))
    # The configured default model decides before the first slug in file order (issue 10, cause 6).
    resolved = [r for _not_default, r in sorted(resolved, key=lambda x: x[0])]
    slugs = [r for r in resolved if r.slug]
    note = None
    if slugs:
        chosen = slugs[0]
        distinct = sorted({r.slug for r in slugs})
        if len(distinct) > 1:
            note = f"several models configured: {', '.join(distinct)}; the first site's is judged"
    else:
        chosen = fallback_literal(ctx, data)
        note = ("no model argument or default_model found; a model-like string in app code was used"
                if chosen.slug else None)
    env_vars = sorted({v for r in resolved for v in r.env_vars})
    written = repo_date(ctx)
    judged_on = min(written, str(data["as_of"])) if written else str(data["as_of"])
    verdict, family, latest = judge(chosen.slug, data, as_of=judged_on)
    ev = chosen.evidence[:3]
    as_of = (f"judged as of the last commit, {judged_on}" if written else
             f"model list as of {data['as_of']} (no git history: the repo's own date is unknown)")
    sonnet = family == "anthropic/claude-sonnet" if chosen.slug else None
    sonnet_note = None
    if not chosen.slug and env_vars:
        sonnet_note = f"the model comes from {', '.join(env_vars)} with no default in code: unknown"
    elif not chosen.slug:
        default = gem_default_model(_locked_version(ctx))
        if default:  # no model configured: the locked gem's default is the model used
            sonnet = judge(default, data)[1] == "anthropic/claude-sonnet"
            sonnet_note = f"no model configured: ruby_llm {_locked_version(ctx)} uses its default, {default}"
        else:
            sonnet_note = "no model configured"
    env_ev = [e for r in resolved if r.env_vars for e in r.evidence][:3]
    return [
        fact("model.slug", chosen.slug, rule, ev, note),
        fact("model.family", family, rule, ev),
        fact("model.latest_in_family", latest, rule, ev, as_of),
        fact("model.verdict", verdict, rule, ev, as_of),
        fact("model.as_of", judged_on, "facts/model/data", [],
             "date of the repo's last commit" if written else f"date of {SLUGS_PATH.name}"),
        fact("model.is_claude_sonnet", sonnet, rule, ev, sonnet_note),
        fact("model.env_overridable", bool(env_vars), "facts/model/env-override", env_ev,
             f"env vars: {', '.join(env_vars)}" if env_vars else None),
    ]


def fallback_literal(ctx: FactContext, data: dict) -> Resolved:
    model = llm_model(ctx)
    used = model.used_agents()
    # an agent nothing uses configures no chat: its model string is not the app's model (cause 17)
    idle = [(d.file.pf.rel, d.node) for fq, app in model.subclasses_of(AGENT).items() if fq not in used
            for d in app.defs]
    for pf in ctx.code_files():
        for s in ctx.index(pf).of("string"):
            if any(rel == pf.rel and contains(node, s) for rel, node in idle):
                continue
            value = literal(s)
            if value and "/" in value or (value and value.startswith(("claude", "gpt-", "gemini"))):
                if judge(value, data)[0] in ("latest", "stale", "unknown_slug") and " " not in value:
                    return Resolved(value, [], [ctx.ev(pf, s)])
    return Resolved()
