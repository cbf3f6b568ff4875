"""rubyllm/bypass: app code that talks to an LLM provider without RubyLLM while the app requires ruby_llm.

Three proofs: a provider SDK client constant (`OpenAI::Client`, `Anthropic::Client`), a
provider API URL in a file that also uses an HTTP client (Net::HTTP, Faraday, HTTParty...), or, with
the host from configuration, a provider's API path beside that provider's own header in such a file
(`"v1/messages"` with `"anthropic-version"`; see `hostless` in bypass_capabilities.yaml).
Only where the locked ruby_llm could have done the job: bypass_capabilities.yaml maps endpoints,
SDK methods and hosts to the first release that supports them (text-to-speech: none).
Tests are skipped: WebMock/VCR stubs name provider URLs on purpose.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path


from static_checks.manifest.versions import version_key
from static_checks.records import Category, Severity
from static_checks.shipped_yaml import load_shipped_yaml
from static_checks.rules.base import Proof, Rule
from static_checks.types import app_files
from static_checks.types.syntax import is_test_path, text

SDK_CLIENTS = frozenset({
    "OpenAI::Client", "Anthropic::Client", "OpenRouter::Client", "Groq::Client",
    "Mistral::Client", "Cohere::Client", "Gemini::Client",
    # langchainrb's provider clients call the same provider APIs ruby_llm wraps
    "Langchain::LLM::OpenAI", "Langchain::LLM::Anthropic", "Langchain::LLM::GoogleGemini",
    "Langchain::LLM::MistralAI",
})
# Cheap pre-filter over a file's bytes: does it name any of the clients at all?
_SDK_BYTES = re.compile(b"|".join(re.escape(c.encode()) for c in sorted(SDK_CLIENTS)))
# ...and a cheaper one before it: every client's name holds one of these (checked where it is used)
_SDK_WORDS = (b"::Client", b"Langchain::")
_HTTP_CLIENT = re.compile(
    rb"Net::HTTP|Faraday|HTTParty|\bHTTP\.(?:post|get|headers|auth)|RestClient|Excon|Typhoeus|URI\.open"
)
# Every match of _HTTP_CLIENT holds one of these: a substring test first spares most files the regex.
_HTTP_CLIENT_WORDS = (b"HTTP", b"Faraday", b"RestClient", b"Excon", b"Typhoeus", b"URI.open")


def _sdk_client(src: bytes) -> bool:
    return any(w in src for w in _SDK_WORDS) and _SDK_BYTES.search(src) is not None


def _http_client(src: bytes) -> bool:
    return any(w in src for w in _HTTP_CLIENT_WORDS) and _HTTP_CLIENT.search(src) is not None

_REQUIRES_GEM = re.compile(rb"""^\s*gem\s+['"]ruby_llm['"]""", re.M)
# Public model/pricing lists are metadata, not LLM calls.
_MODEL_LIST = re.compile(r"/models/?(?:[?#\"']|$)")
_DATA = Path(__file__).with_name("bypass_capabilities.yaml")


@dataclass(frozen=True)
class Capability:
    id: str
    what: str
    since: str | None  # first release that can do it; None: no release
    use: str
    paths: re.Pattern
    sdk: re.Pattern
    overrides: frozenset[str] = frozenset()  # ids this more specific capability rules out


@dataclass(frozen=True)
class Hostless:
    """A provider's API path plus its own header: its request even when the host comes from configuration."""
    name: str
    paths: re.Pattern
    headers: re.Pattern  # over a file's bytes: the header name as a whole string literal
    option: str  # the ruby_llm option that points the provider at any base URL
    provider: str


@dataclass(frozen=True)
class Host:
    pattern: str
    name: str
    native: str | None
    compatible: str | None
    provider: str | None


def _alt(patterns: list[str], escape: bool) -> re.Pattern:
    if not patterns:
        return re.compile(r"(?!)")  # matches nothing (an empty alternation would match everything)
    return re.compile("|".join(re.escape(p) if escape else p for p in patterns))


@lru_cache(maxsize=1)
def capabilities() -> tuple[tuple[Capability, ...], tuple[Host, ...]]:
    data = load_shipped_yaml(_DATA.read_text(encoding="utf-8"))
    caps = tuple(
        Capability(c["id"], c["what"], c.get("since"), c.get("use", ""),
                   _alt(c["paths"], escape=True), _alt(c["sdk"], escape=False), frozenset(c.get("overrides", ())))
        for c in data["capabilities"]
    )
    hosts = tuple(Host(h["pattern"], h["name"], h.get("native"), h.get("compatible"), h.get("provider"))
                  for h in data["hosts"])
    return caps, hosts


@lru_cache(maxsize=1)
def hostless_signatures() -> tuple[Hostless, ...]:
    data = load_shipped_yaml(_DATA.read_text(encoding="utf-8"))
    return tuple(
        Hostless(h["name"], _alt(h["paths"], escape=True),
                 re.compile(b"|".join(rb"""["']""" + re.escape(x.encode()) + rb"""["']""" for x in h["headers"]),
                            re.I),
                 h["option"], h["provider"])
        for h in data.get("hostless", [])
    )


def _hostless_in(ctx, src: bytes) -> list[Hostless]:
    """Signatures whose header the file names, for a release that can reach any base URL of that provider."""
    found = [h for h in hostless_signatures() if h.headers.search(src)]
    if not found:
        return []
    options = ctx.index.config_options()
    return [h for h in found if h.option in options]


@lru_cache(maxsize=1)
def provider_hosts() -> re.Pattern:
    return re.compile("|".join(h.pattern for h in capabilities()[1]))


def _has(version: str, since: str | None) -> bool:
    if since is None:
        return False
    try:
        return version_key(version) >= version_key(since)
    except ValueError:
        return True


def used_capabilities(*texts: str, sdk: bool) -> list[Capability]:
    """What the request does: the first text with a recognisable endpoint (or SDK method) decides."""
    caps = capabilities()[0]
    for t in texts:
        found = [c for c in caps if c.paths.search(t) or (sdk and c.sdk.search(t))]
        if found:
            ruled_out = {i for c in found for i in c.overrides}
            return [c for c in found if c.id not in ruled_out]
    return [caps[0]]  # no clue: a chat request


def _host(s: str) -> Host | None:
    return next((h for h in capabilities()[1] if re.search(h.pattern, s)), None)


def _host_hint(host: Host, version: str) -> str:
    if host.provider and _has(version, host.native):
        return f"use `RubyLLM.chat(model: ..., provider: :{host.provider})` with `config.{host.provider}_api_key`"
    if _has(version, host.native):
        return "use `RubyLLM.chat(model: ...)`"
    return "use `RubyLLM.chat(model: ..., provider: :openai, assume_model_exists: true)` " \
           f"with `config.openai_api_base` pointing at {host.name}"


def _requires_ruby_llm(ctx) -> bool:
    for pf in ctx.files:
        base = pf.rel.rsplit("/", 1)[-1]
        if (base == "Gemfile" or base.endswith(".gemspec")) and (
            _REQUIRES_GEM.search(pf.source) or b"dependency 'ruby_llm'" in pf.source
            or b'dependency "ruby_llm"' in pf.source
        ):
            return True
    return False


def _walk(node):
    stack = [node]
    while stack:
        cur = stack.pop()
        yield cur
        stack.extend(cur.named_children)


def _chain_text(node) -> str:
    """`OpenAI::Client.new.audio.transcribe(...)`: the call chain the constant starts."""
    top = node
    while top.parent is not None and top.parent.type == "call" and top.parent.child_by_field_name("receiver") == top:
        top = top.parent
    return text(top) if top is not node else ""


# A string nested in these is still the value its enclosing assignment stores.
_VALUE_WRAPPERS = frozenset({"argument_list", "call", "binary", "parenthesized_statements", "conditional"})
_CONFIG_BLOCKS = frozenset({"configure", "context"})


def _config_receiver(recv, node) -> bool:
    """`RubyLLM.config`, or the block parameter of an enclosing `RubyLLM.configure` / `RubyLLM.context`."""
    if text(recv).lstrip(":") in ("RubyLLM.config", "RubyLLM.configuration"):
        return True
    if recv.type != "identifier":
        return False
    cur = node.parent
    while cur is not None:
        if cur.type in ("block", "do_block") and cur.parent is not None and cur.parent.type == "call":
            owner, method = cur.parent.child_by_field_name("receiver"), cur.parent.child_by_field_name("method")
            params = cur.child_by_field_name("parameters")
            if owner is not None and text(owner).lstrip(":") == "RubyLLM" and method is not None \
                    and text(method) in _CONFIG_BLOCKS and params is not None \
                    and text(recv) in {text(p) for p in params.named_children}:
                return True
        cur = cur.parent
    return False


def _configures_ruby_llm(node) -> bool:
    """The string is (part of) the value given to a RubyLLM configuration option: it routes ruby_llm to
    that host (`c.openai_api_base = "https://api.mistral.ai/v1"`), the opposite of going around it."""
    cur = node
    while cur.parent is not None and cur.parent.type in _VALUE_WRAPPERS:
        cur = cur.parent
    assign = cur.parent
    if assign is None or assign.type not in ("assignment", "operator_assignment") \
            or assign.child_by_field_name("right") != cur:
        return False
    left = assign.child_by_field_name("left")
    recv = left.child_by_field_name("receiver") if left is not None and left.type == "call" else None
    return recv is not None and _config_receiver(recv, assign)


def _hostless_path(sigs: list[Hostless], s: str) -> Hostless | None:
    return next((h for h in sigs if h.paths.search(s)), None)


def _supported_hint(caps: list[Capability], version: str) -> str | None:
    ok = [c for c in caps if _has(version, c.since)]
    if not ok:
        return None
    return "; ".join(f"{c.what}: {c.use}" for c in ok)


def check(ctx):
    if not _requires_ruby_llm(ctx):
        return
    version = ctx.root.ruby_llm_version
    host_bytes = re.compile(provider_hosts().pattern.encode())
    for pf in app_files(ctx):
        if is_test_path(pf.rel):
            continue
        src = pf.source
        sdk = _sdk_client(src)
        client = _http_client(src)
        http = client and host_bytes.search(src) is not None  # the rarer test first
        hostless = _hostless_in(ctx, src) if client and not http else []
        if not (sdk or http or hostless):
            continue
        file_text = src.decode("utf-8", "replace")
        for node in _walk(pf.root):
            t = node.type
            if sdk and t == "scope_resolution" and text(node).lstrip(":") in SDK_CLIENTS:
                use = _supported_hint(used_capabilities(_chain_text(node), file_text, sdk=True), version)
                if use is None:
                    continue  # the locked ruby_llm cannot do what this client does
                yield RULE.finding(
                    pf, node,
                    f"`{text(node)}` calls the provider SDK directly although the app uses ruby_llm",
                    f"{text(node)} comes from a provider SDK gem, not RubyLLM; the Gemfile requires ruby_llm "
                    f"{version}, which covers it",
                    hint=f"use ruby_llm ({use}) so configuration, retries and tooling stay in one place",
                )
            elif http and t == "string" and (host := _host(text(node))) and not _MODEL_LIST.search(text(node)) \
                    and not _configures_ruby_llm(node):
                reach = host.native if _has(version, host.native) else host.compatible
                use = _supported_hint(used_capabilities(text(node), file_text, sdk=False), version)
                if use is None or not _has(version, reach):
                    continue  # nothing ruby_llm at this release could send
                yield RULE.finding(
                    pf, node,
                    f"raw HTTP request to {host.name} bypasses ruby_llm",
                    f"this file builds a request to {host.name} with an HTTP client; the Gemfile requires "
                    f"ruby_llm {version}, which covers it",
                    hint=_host_hint(host, version) + f" ({use})",
                )
            elif hostless and t == "string" and (sig := _hostless_path(hostless, text(node))) \
                    and not _configures_ruby_llm(node):
                use = _supported_hint(used_capabilities(text(node), file_text, sdk=False), version)
                if use is None:
                    continue
                yield RULE.finding(
                    pf, node,
                    f"raw HTTP request to the {sig.name} API bypasses ruby_llm",
                    f"this file builds a request to {sig.name}'s `{text(node).strip(chr(34) + chr(39))}` with an "
                    f"HTTP client and {sig.name}'s own headers, its host taken from configuration; the Gemfile "
                    f"requires ruby_llm {version}, which covers it (`config.{sig.option}` reaches any host)",
                    hint=f"use `RubyLLM.chat(model: ..., provider: :{sig.provider})` with `config.{sig.option}` "
                    f"set to that host ({use})",
                )



RULE = Rule(
    id="rubyllm/bypass",
    summary="An LLM provider called without RubyLLM (provider SDK or raw HTTP) for a job the locked ruby_llm can do",
    why=(
        "The app requires ruby_llm but goes around it: the grading task asks for RubyLLM, and the bypass "
        "loses its retries, tools and model registry."
    ),
    bad="""
    client = OpenAI::Client.new(access_token: ENV["OPENAI_API_KEY"])
    client.chat(parameters: { model: "gpt-4o-mini", messages: [] })
""",
    good="""
    RubyLLM.chat(model: "gpt-4o-mini").ask("hi")
""",
    proof=Proof.capability_table,
    check=check,
    category=Category.bypass,
    severity=Severity.warning,
)
