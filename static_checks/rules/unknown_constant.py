"""rubyllm/unknown-constant: a constant under RubyLLM that the gem does not define (e.g. an invented client class)."""

from __future__ import annotations

import re
from dataclasses import dataclass

import tree_sitter as ts

from static_checks.manifest.index import ManifestIndex, available_versions
from static_checks.manifest.lookup import lexical_candidates
from static_checks.rules.base import Proof, Rule, did_you_mean, short_list
from static_checks.rules.model.analysis import Analysis, analysis
from static_checks.rules.model.wording import all_releases
from static_checks.types.scan import FileScan
from static_checks.types.syntax import text

_GUARDS = ("defined?", "const_defined?", "safe_constantize")


@dataclass
class MissingConstant:
    fs: FileScan
    node: ts.Node
    path: str  # the first missing prefix, e.g. "RubyLLM::Client"
    versions: list[str]
    miscased: bool = False  # `RubyLlm`: the gem's namespace spelt with the wrong case


def _miscased(head: str) -> bool:
    return head.replace("_", "").lower() == "rubyllm"


_EXT_GEM = re.compile(rb"""^\s*(?:gem\s+['"]|    )(ruby[_-]?llm[-_][\w-]+)""", re.M | re.I)


def _norm(name: str) -> str:
    return re.sub(r"[-_]", "", name).lower()


def _extension_gems(ctx) -> set[str]:
    """Normalised names of third-party `ruby_llm-foo` gems: `bundle gem` names their module RubyLlm::Foo.

    The repo's own gemspecs are left out: their code is here and scanned.
    """
    own = {_norm(pf.rel.rsplit("/", 1)[-1][: -len(".gemspec")]) for pf in ctx.files if pf.rel.endswith(".gemspec")}
    found: set[str] = set()
    for pf in ctx.files:
        base = pf.rel.rsplit("/", 1)[-1]
        if base in ("Gemfile", "Gemfile.lock") or base.endswith(".gemspec"):
            found |= {_norm(m.group(1).decode()) for m in _EXT_GEM.finditer(pf.source)}
    return found - own


def _from_extension_gem(path: str, extensions: set[str]) -> bool:
    """`RubyLlm::Foo...` while a ruby_llm-foo gem (not part of this repo) is a dependency."""
    parts = path.split("::")
    return len(parts) > 1 and _norm("rubyllm" + parts[1]) in extensions


def _may_miscase(source: bytes) -> bool:
    """Whether any stretch of the bytes is a spelling _miscased accepts (`RubyLlm`, `Ruby_LLM`...): such a
    constant's text, lower-cased and without underscores, is `rubyllm`, and so is that stretch of the
    whole source's. A file without one (most) skips the walk over its calls."""
    return b"rubyllm" in source.lower().replace(b"_", b"")


def _bare_receivers(fs: FileScan):
    """`RubyLlm.chat`, `allow(RubyLLm)`: a bare constant receiver or argument (scans record only `A::B`
    paths) with a miscased name."""
    if not _may_miscase(fs.pf.source):
        return
    for call, scope in fs.calls:
        recv = fs.receiver_of(call)
        if recv is not None and recv.type == "constant" and _miscased(text(recv)):
            yield recv, text(recv), scope
        args = call.child_by_field_name("arguments")
        for node in args.named_children if args is not None else ():
            # a bare `RubyLlm` argument may be ruby_llm-schema's own module (it keeps its VERSION there)
            if node.type == "constant" and _miscased(text(node)) and text(node) != "RubyLlm":
                yield node, text(node), scope


def _app_names_it(head: str, path: str, scope, app_defined: set[str]) -> bool:
    """Ruby's lexical lookup of `head` reaches an app constant (`module MyGem; module RubyLLM`) first."""
    if path.startswith("::"):
        return head in app_defined and head != "RubyLLM"
    for cand in lexical_candidates(head, list(scope.nesting)):
        if cand == "RubyLLM":
            return False  # the gem's top-level module (an app reopening it adds to the gem)
        if cand in app_defined:
            return True
    return False


def _guarded(node: ts.Node) -> bool:
    cur = node.parent
    for _ in range(4):
        if cur is None:
            return False
        if cur.type in ("unary", "call") and any(g.encode() in (cur.text or b"")[:40] for g in _GUARDS):
            return True
        cur = cur.parent
    return _inside_defined_check(node)


_CONDITIONALS = frozenset({"if", "elsif", "if_modifier", "conditional"})


def _inside_defined_check(node: ts.Node) -> bool:
    """`if defined?(RubyLLM::Client) ... RubyLLM::Client.new ... end`: the code runs only where it exists."""
    name = node.text or b""
    cur, child = node.parent, node
    while cur is not None and cur.type not in ("method", "singleton_method", "class", "module", "program"):
        cond = cur.child_by_field_name("condition") if cur.type in _CONDITIONALS else None
        taken = cur.child_by_field_name("body" if cur.type == "if_modifier" else "consequence")
        # only the branch taken when the check passes (`unless defined?(X)` and `else` run where X is missing)
        if cond is not None and taken is not None and taken.id == child.id and name in (cond.text or b"") \
                and any(g.encode() in (cond.text or b"") for g in _GUARDS):
            return True
        cur, child = cur.parent, cur
    return False


def missing_constants(an: Analysis) -> list[MissingConstant]:
    cached = an.ctx.cache.get("missing_constants")
    if cached is not None:
        return cached  # type: ignore[return-value]
    defined = _app_defined_constants(an.project)
    out: list[MissingConstant] = []
    extensions = _extension_gems(an.ctx)
    for fs in an.project.scans:
        app_defined = defined[fs.is_test]
        for node, path, scope in [*fs.consts, *_bare_receivers(fs)]:
            miss = _missing_constant(an, fs, node, path, scope, app_defined, extensions)
            if miss is not None:
                out.append(miss)
    an.ctx.cache["missing_constants"] = out
    return out


def _app_defined_constants(project) -> dict[bool, set[str]]:
    """Constants the app defines itself, for app code (False) and tests (True): a test file's stub of
    the gem counts in tests only."""
    defined: dict[bool, set[str]] = {False: set(), True: set()}
    for app in project.classes.values():
        for d in app.defs:
            for in_test in {True, d.file.is_test}:
                defined[in_test].add(app.fq)
    for fs in project.scans:
        for in_test in {True, fs.is_test}:
            defined[in_test] |= fs.const_assigns
    for names in defined.values():  # `A::B::C` defined makes `A` and `A::B` exist too
        names |= {n.rsplit("::", i)[0] for n in list(names) for i in range(1, n.count("::") + 1)}
    return defined


def _missing_constant(an: Analysis, fs: FileScan, node: ts.Node, path: str, scope, app_defined: set[str],
                      extensions) -> MissingConstant | None:
    """The first prefix of `path` under RubyLLM that the locked release lacks, or a miscased `RubyLlm`."""
    if (node.text or b"").startswith(b"::"):  # const_path drops the top-level marker
        path = "::" + path.lstrip(":")
    clean = path.lstrip(":")
    head = clean.partition("::")[0]
    if head != "RubyLLM" and _miscased(head):
        if (not _app_names_it(head, path, scope, app_defined) and not _guarded(node)
                and not _from_extension_gem(clean, extensions)):
            return MissingConstant(fs, node, head, [], miscased=True)
        return None
    if not clean.startswith("RubyLLM::") or _app_names_it(head, path, scope, app_defined):
        return None
    parts = clean.split("::")
    for i in range(2, len(parts) + 1):
        prefix = "::".join(parts[:i])
        if an.index.has_constant(prefix):
            continue
        if prefix in app_defined or _guarded(node) or _schema_elsewhere(an, prefix) or an.from_extension(prefix):
            return None
        return MissingConstant(fs, node, prefix, an.index.versions_with_constant(prefix))
    return None


def _schema_elsewhere(an: Analysis, prefix: str) -> bool:
    """A constant of a separately required ruby_llm-schema gem (ruby_llm before 1.9 lacks it)."""
    if an.index.namespace("RubyLLM::Schema") is not None:
        return False
    if not any(b"ruby_llm-schema" in pf.source for pf in an.ctx.files
               if pf.rel.rsplit("/", 1)[-1] == "Gemfile" or pf.rel.endswith(".gemspec")):
        return False
    newest = available_versions("ruby_llm-schema")[-1]
    return ManifestIndex.load(newest, gem="ruby_llm-schema").has_constant(prefix)


def check(ctx):
    an = analysis(ctx)
    for miss in missing_constants(an):
        if miss.miscased:
            yield RULE.finding(
                miss.fs.pf, miss.node,
                f"`{miss.path}` is not the gem's namespace `RubyLLM` (constants are case-sensitive)",
                f"ruby_llm {an.version} (manifest) defines the module RubyLLM; the app defines no "
                f"`{miss.path}` and no ruby_llm extension gem in its bundle names one",
                hint="did you mean `RubyLLM`?",
            )
            continue
        if miss.versions:
            continue
        owner, _, short = miss.path.rpartition("::")
        ns = an.index.namespace(owner)
        siblings = [n.rpartition("::")[2] for n in an.index.namespace_names() if n.rpartition("::")[0] == owner]
        if ns is not None:
            siblings += ns.constants
        yield RULE.finding(
            miss.fs.pf,
            miss.node,
            f"`{miss.path}` does not exist in ruby_llm",
            f"ruby_llm {an.version} (manifest) defines no constant {miss.path}, nor does any release "
            f"({all_releases()}); "
            f"constants under {owner}: {short_list(siblings)}",
            hint=did_you_mean(short, siblings),
        )



RULE = Rule(
    id="rubyllm/unknown-constant",
    summary="A constant under RubyLLM that no release of the gem defines",
    why=(
        "An invented class (`RubyLLM::Client`) raises NameError the first time the code runs: the feature "
        "around it never worked."
    ),
    bad="""
    client = RubyLLM::Client.new
    client.chat(messages: [{ role: "user", content: "hi" }])
""",
    good="""
    chat = RubyLLM.chat
    chat.ask("hi")
""",
    proof=Proof.absence,
    check=check,
)
