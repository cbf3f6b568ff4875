"""The app's LLM path: provider call sites, who calls the methods that hold them, and the rescue
that catches a provider failure on the way up.

Shared by the error-handling, tests and security facts so that they agree on one path:
- provider call sites: sends on a RubyLLM chat (typed by static_checks.types, the API audit's
  receiver model), calls the audit found invented (still the app's LLM path), and calls on a
  provider SDK client or raw HTTP to a provider (bypasses);
- callers of an app method: receiver-less calls from the same class hierarchy, calls whose
  receiver is typed (or named) as that class, and calls of a method name that only that class
  hierarchy defines;
- a rescue counts when it encloses the call (here or in a caller, any depth up to MAX_DEPTH),
  catches what a provider failure raises, and does not re-raise.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import tree_sitter as ts

from static_checks.facts.context import FactContext
from static_checks.facts.llm_calls import SEND_METHODS, llm_model
from static_checks.facts.ruby_nodes import (
    ancestors,
    args,
    call_name,
    class_path,
    const_path,
    contains,
    def_name,
    enclosing,
    enclosing_method,
    receiver,
)
from static_checks.models import Category
from static_checks.parsing import ParsedFile

MAX_DEPTH = 6
# Exception classes a provider failure raises (or that catch them): broad ones, the gem's, the HTTP stack's.
BROAD = frozenset({"StandardError", "Exception", "RuntimeError", "Timeout::Error", "SocketError", "IOError"})
PROVIDER_PREFIXES = ("RubyLLM", "Faraday", "Net::", "Errno::", "OpenSSL::", "HTTP", "OpenAI", "Anthropic",
                     "OpenRouter", "Timeout", "Excon", "RestClient", "Typhoeus")
# Calls on a provider SDK client or an HTTP client that carry a chat request.
SDK_SEND = frozenset({"chat", "completions", "messages", "create", "generate_content", "complete", "post",
                      "request", "stream"})
SDK_NAMES = re.compile(r"OpenAI::Client|Anthropic::Client|OpenRouter::Client|Groq::Client|Mistral::Client|"
                       r"Cohere::Client|Gemini::Client|Langchain::LLM::")
PROVIDER_HOSTS = ("openrouter.ai/api", "api.openai.com", "api.anthropic.com", "generativelanguage.googleapis.com")
HTTP_SEND = re.compile(r"^(?:Net::HTTP|Faraday|HTTParty|HTTP|RestClient|Excon|Typhoeus)\b")
# Modules of other LLM client gems that give the including class its send method (`include
# Raix::ChatCompletion` then `chat_completion(...)`): a receiver-less call of one is a provider call.
LLM_MIXIN = re.compile(r"^(?:Raix|Langchain|OmniAI|OpenAI|Anthropic|Gemini|Groq|Mistral|Cohere)::")
MIXIN_SENDS = frozenset({"chat_completion", "completion", "complete", "chat", "generate", "generate_content"})
# Invented calls that would send the request (`chat.chat(...)`, `client.chat_completion(...)`).
INVENTED_SENDS = frozenset({"ask", "say", "complete", "chat", "completion", "completions", "chat_completion",
                            "generate", "send_message", "stream", "query", "prompt", "create"})
# Method names too common to link a call to one definition by name alone.
GENERIC = frozenset({"call", "perform", "new", "run", "execute", "process", "create", "update", "save", "show",
                     "index", "render", "initialize", "to_s", "each", "map", "send", "handle", "ask", "chat"})


@dataclass
class Site:
    pf: ParsedFile
    node: ts.Node
    kind: str  # chat | invented | bypass


@dataclass
class RescueHit:
    pf: ParsedFile
    node: ts.Node  # the rescue clause, or the rescue_from call
    chain: list[str] = field(default_factory=list)  # "Class#method" from the call up to the rescue


def provider_sites(ctx: FactContext) -> list[Site]:
    """Every place the app's code sends a request to the model (cached)."""
    if "provider_sites" in ctx.cache:
        return ctx.cache["provider_sites"]
    from static_checks.facts.finding_nodes import app_findings, finding_node, invented_kind

    model = llm_model(ctx)
    sites = [Site(c.pf, c.node, "chat") for c in model.chat_calls(*SEND_METHODS)]
    # An invented call that would carry the request (an invented entry or send) is still the LLM
    # path; an invented reader or config option is no provider call.
    for f in app_findings(ctx, Category.api_hallucination, tests=False):
        hit = finding_node(ctx, f)
        if hit is None or hit[0].rel.startswith(ctx.app_rel("config/")):
            continue
        sends = call_name(hit[1]) in INVENTED_SENDS or invented_kind(ctx, f) in ("entry_class", "batch_messages")
        if sends and not any(s.node.id == hit[1].id for s in sites):
            sites.append(Site(hit[0], hit[1], "invented"))
    for f in app_findings(ctx, Category.bypass, tests=False):
        hit = finding_node(ctx, f)
        if hit is not None:
            sites.append(Site(hit[0], hit[1], "bypass"))
    if not any(s.kind == "bypass" for s in sites):
        sites += _sdk_sites(ctx)
    sites += [m for m in _mixin_sites(ctx) if not any(s.node.id == m.node.id for s in sites)]
    ctx.cache["provider_sites"] = sites
    return sites


def _sdk_sites(ctx: FactContext) -> list[Site]:
    """Without ruby_llm the bypass rule is silent: calls on a provider SDK client, or an HTTP call in
    a file that names a provider's API host, are the app's provider calls."""
    out = []
    for pf in ctx.app_files("app", "lib", kind="ruby"):
        text = pf.source.decode("utf-8", "replace")
        sdk = SDK_NAMES.search(text) is not None
        host = any(h in text for h in PROVIDER_HOSTS)
        if not (sdk or host):
            continue
        for c in ctx.index(pf).calls(*SDK_SEND):
            r = receiver(c)
            if r is None:
                continue
            rtext = pf.text(r)
            if (sdk and ("client" in rtext.lower() or SDK_NAMES.search(rtext))) or (host and HTTP_SEND.match(rtext)):
                out.append(Site(pf, c, "bypass"))
    return out


def _mixin_sites(ctx: FactContext) -> list[Site]:
    """Receiver-less sends in a class that includes another LLM gem's module (`include Raix::ChatCompletion`
    ... `chat_completion(openai: "gpt-4o")`): the gem is bypassed there, and that call reaches the provider."""
    out = []
    for pf in ctx.app_files("app", "lib", kind="ruby"):
        idx = ctx.index(pf)
        for inc in idx.calls("include", "prepend", "extend"):
            a = args(inc)
            cls = enclosing(inc, "class", "module")
            if receiver(inc) is not None or not a or cls is None or not LLM_MIXIN.match(const_path(a[0]) or ""):
                continue
            out += [Site(pf, c, "bypass") for c in idx.calls(*MIXIN_SENDS)
                    if contains(cls, c) and (receiver(c) is None or receiver(c).type == "self")]
    return out


def _owner(pf: ParsedFile, node: ts.Node) -> str:
    return class_path(pf, node).rsplit("::", 1)[-1]


def hierarchy(ctx: FactContext, short: str) -> set[str]:
    """Short names of `short`, its app superclasses and its app subclasses."""
    parents: dict[str, str] = ctx.cache.get("class_parents") or {}
    if not parents:
        for pf in ctx.app_files("app", "lib", kind="ruby"):
            for cls in ctx.index(pf).of("class"):
                sup = cls.child_by_field_name("superclass")
                name = cls.child_by_field_name("name")
                if sup is not None and name is not None:
                    parents[pf.text(name).rsplit("::", 1)[-1]] = pf.text(sup).lstrip("< ").strip().rsplit("::", 1)[-1]
        ctx.cache["class_parents"] = parents
    family = {short}
    cur = short
    while cur in parents and parents[cur] not in family:
        cur = parents[cur]
        family.add(cur)
    grew = True
    while grew:
        grew = False
        for child, parent in parents.items():
            if parent in family and child not in family:
                family.add(child)
                grew = True
    return family


def _definers(ctx: FactContext) -> dict[str, set[str]]:
    """Method name -> short names of the app classes defining it."""
    if "method_definers" not in ctx.cache:
        out: dict[str, set[str]] = {}
        for pf in ctx.app_files("app", "lib", kind="ruby"):
            for m in ctx.index(pf).of("method", "singleton_method"):
                name = def_name(pf, m)
                if name:
                    out.setdefault(name, set()).add(_owner(pf, m))
        ctx.cache["method_definers"] = out
    return ctx.cache["method_definers"]


def receiver_class(ctx: FactContext, pf: ParsedFile, call: ts.Node) -> str | None:
    """Short name of the app class the shared receiver typing gives this call's receiver."""
    model = llm_model(ctx)
    if model.project is None or model.inferer is None:
        return None
    if "call_scopes" not in ctx.cache:
        ctx.cache["call_scopes"] = {(fs.pf.rel, c.id): sc for fs in model.project.scans for c, sc in fs.calls}
    scope = ctx.cache["call_scopes"].get((pf.rel, call.id))
    if scope is None:
        return None
    try:
        t = model.inferer.receiver_type(call, scope)
    except RecursionError:
        return None
    return t.app_class.rsplit("::", 1)[-1] if t is not None and t.app_class else None


def _constructed_class(pf: ParsedFile, node: ts.Node | None) -> str | None:
    """`Foo.new(...)` / `Foo::Bar.new` -> its short class name."""
    if node is not None and node.type == "call" and call_name(node) == "new":
        r = receiver(node)
        path = const_path(r) if r is not None else None
        return path.rsplit("::", 1)[-1] if path else None
    return None


def local_class(pf: ParsedFile, call: ts.Node) -> str | None:
    """The class a receiver was built from in the same method or class (`bot = Factory.new(x); bot.ask`):
    files that never name RubyLLM are outside the shared typing's scan, so their locals are read here."""
    r = receiver(call)
    if r is None:
        return None
    built = _constructed_class(pf, r)
    if built or r.type not in ("identifier", "instance_variable"):
        return built
    scope = enclosing_method(call) if r.type == "identifier" else enclosing(call, "class", "module")
    if scope is None:
        return None
    name = pf.text(r)
    for n in _walk(scope):
        if n.type in ("assignment", "operator_assignment") and n.start_byte < call.start_byte:
            left = n.child_by_field_name("left")
            if left is not None and pf.text(left) == name:
                built = _constructed_class(pf, n.child_by_field_name("right")) or built
    return built


def _walk(node: ts.Node):
    stack = [node]
    while stack:
        n = stack.pop()
        yield n
        stack.extend(n.named_children)


def callers(ctx: FactContext, pf: ParsedFile, method: ts.Node) -> list[tuple[ParsedFile, ts.Node]]:
    """Calls in app code that may run `method` (see the module doc for how they are linked)."""
    name = def_name(pf, method)
    if not name:
        return []
    owner = _owner(pf, method)
    family = hierarchy(ctx, owner) if owner else set()
    only_here = bool(family) and name not in GENERIC and _definers(ctx).get(name, set()) <= family
    out = []
    for other in ctx.app_files("app", "lib", kind="ruby"):
        for c in ctx.index(other).calls(name):
            m = enclosing_method(c)
            if m is not None and m.id == method.id and other.rel == pf.rel:
                continue
            r = receiver(c)
            if r is None:
                linked = _owner(other, c) in family
            else:
                rtext = other.text(r)
                linked = (only_here or (receiver_class(ctx, other, c) or local_class(other, c)) in family
                          or any(cls and re.search(rf"\b{re.escape(cls)}\b", rtext) for cls in family))
            if linked:
                out.append((other, c))
    return out


def _caught(ctx: FactContext, pf: ParsedFile, clause: ts.Node) -> bool:
    """The rescue clause catches what a provider failure raises (bare rescue = StandardError)."""
    exc = next((n for n in clause.named_children if n.type == "exceptions"), None)
    if exc is None:
        return True
    app_classes = _definers_classes(ctx)
    for n in exc.named_children:
        path = const_path(n) or pf.text(n)
        if n.type == "splat_argument" or path in BROAD or path.startswith(PROVIDER_PREFIXES):
            return True
        if path.rsplit("::", 1)[-1] in app_classes:  # the app's own error class, raised by its wrapper
            return True
    return False


def _definers_classes(ctx: FactContext) -> set[str]:
    if "app_class_names" not in ctx.cache:
        names = set()
        for pf in ctx.app_files("app", "lib", kind="ruby"):
            for cls in ctx.index(pf).of("class"):
                n = cls.child_by_field_name("name")
                if n is not None:
                    names.add(pf.text(n).rsplit("::", 1)[-1])
        ctx.cache["app_class_names"] = names
    return ctx.cache["app_class_names"]


def reraises(pf: ParsedFile, clause: ts.Node) -> bool:
    """The clause raises again unconditionally (`raise`, `raise e`, `raise AppError, ...`)."""
    conditional = ("if", "unless", "if_modifier", "unless_modifier", "case", "conditional", "while", "until")
    stack = list(clause.named_children)
    while stack:
        n = stack.pop()
        if n.type in conditional or n.type in ("block", "do_block", "lambda"):
            continue
        if (n.type == "identifier" and pf.text(n) in ("raise", "fail")) or (
                n.type == "call" and receiver(n) is None and call_name(n) in ("raise", "fail")):
            return True
        stack.extend(n.named_children)
    return False


def enclosing_rescue(call: ts.Node) -> list[ts.Node]:
    """Rescue clauses (innermost first) whose protected body contains `call`, up to its method."""
    out = []
    for a in ancestors(call):
        if a.type == "rescue_modifier":
            body = a.child_by_field_name("body")
            if body is not None and contains(body, call):
                out.append(a)
        if a.type in ("begin", "body_statement", "block_body", "do_block"):
            clauses = [c for c in a.named_children if c.type == "rescue"]
            if clauses and call.start_byte < clauses[0].start_byte:
                out.extend(clauses)
        if a.type in ("method", "singleton_method", "class", "module"):
            break
    return out


def _counting_rescue(ctx: FactContext, pf: ParsedFile, call: ts.Node) -> ts.Node | None:
    for clause in enclosing_rescue(call):
        if clause.type == "rescue_modifier":
            return clause
        if _caught(ctx, pf, clause) and not reraises(pf, clause):
            return clause
    return None


def rescue_from_handlers(ctx: FactContext) -> dict[str, list[tuple[ParsedFile, ts.Node]]]:
    """Controller short name -> its `rescue_from` calls that catch provider failures."""
    out: dict[str, list] = {}
    for pf in ctx.app_files("app/controllers", kind="ruby"):
        for c in ctx.index(pf).calls("rescue_from"):
            names = [const_path(a) or "" for a in args(c)]
            if any(n in BROAD or n.startswith(PROVIDER_PREFIXES) for n in names):
                out.setdefault(_owner(pf, c), []).append((pf, c))
    return out


def rescued(ctx: FactContext, pf: ParsedFile, call: ts.Node) -> RescueHit | None:
    """The rescue that catches a provider failure raised at `call`, following callers upward."""
    handlers = rescue_from_handlers(ctx)
    seen: set[int] = set()
    frontier = [(pf, call, [])]
    for _depth in range(MAX_DEPTH):
        nxt = []
        for fpf, node, chain in frontier:
            clause = _counting_rescue(ctx, fpf, node)
            m = enclosing_method(node)
            here = chain + ([f"{_owner(fpf, m) or '(top)'}#{def_name(fpf, m)}"] if m is not None else [])
            if clause is not None:
                return RescueHit(fpf, clause, here)
            if m is None or m.id in seen:
                continue
            seen.add(m.id)
            if fpf.rel.startswith(ctx.app_rel("app/controllers/")):
                for ctl in (_owner(fpf, m), "ApplicationController"):
                    if ctl in handlers:
                        hpf, hnode = handlers[ctl][0]
                        return RescueHit(hpf, hnode, here)
            nxt += [(cpf, c, here) for cpf, c in callers(ctx, fpf, m)]
        if not nxt:
            return None
        frontier = nxt
    return None


def in_class_body(node: ts.Node) -> bool:
    return enclosing(node, "method", "singleton_method") is None
