"""Rule 11: app code that talks to an LLM provider without RubyLLM while the app requires ruby_llm.

Two proofs: a provider SDK client constant (`OpenAI::Client`, `Anthropic::Client`), or a
provider API URL in a file that also uses an HTTP client (Net::HTTP, Faraday, HTTParty...).
Tests are skipped: WebMock/VCR stubs name provider URLs on purpose.
"""

from __future__ import annotations

import re

from static_checks.models import Category, Severity
from static_checks.types import app_files
from static_checks.rules.base import Rule
from static_checks.types.syntax import is_test_path, text

SDK_CLIENTS = frozenset({
    "OpenAI::Client", "Anthropic::Client", "OpenRouter::Client", "Groq::Client",
    "Mistral::Client", "Cohere::Client", "Gemini::Client",
})
_SDK_BYTES = re.compile(rb"(?:OpenAI|Anthropic|OpenRouter|Groq|Mistral|Cohere|Gemini)::Client")
PROVIDER_HOSTS = re.compile(
    r"api\.openai\.com|openrouter\.ai/api|api\.anthropic\.com|generativelanguage\.googleapis\.com"
    r"|api\.mistral\.ai|api\.deepseek\.com|api\.perplexity\.ai|api\.x\.ai|api\.groq\.com"
)
# Public model/pricing lists are metadata, not LLM calls.
_MODEL_LIST = re.compile(r"/models/?(?:[?#\"']|$)")
_HOST_BYTES = re.compile(PROVIDER_HOSTS.pattern.encode())
_HTTP_CLIENT = re.compile(rb"Net::HTTP|Faraday|HTTParty|\bHTTP\.(?:post|get|headers|auth)|RestClient|Excon|Typhoeus|URI\.open")
_REQUIRES_GEM = re.compile(rb"""^\s*gem\s+['"]ruby_llm['"]""", re.M)


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


def check(ctx):
    if not _requires_ruby_llm(ctx):
        return
    for pf in app_files(ctx):
        if is_test_path(pf.rel):
            continue
        src = pf.source
        sdk = _SDK_BYTES.search(src) is not None
        http = _HOST_BYTES.search(src) is not None and _HTTP_CLIENT.search(src) is not None
        if not (sdk or http):
            continue
        for node in _walk(pf.root):
            t = node.type
            if sdk and t == "scope_resolution" and text(node).lstrip(":") in SDK_CLIENTS:
                yield RULE.finding(
                    pf, node,
                    f"`{text(node)}` calls the provider SDK directly although the app uses ruby_llm",
                    f"{text(node)} comes from a provider SDK gem, not RubyLLM; the Gemfile requires ruby_llm",
                    hint="use `RubyLLM.chat(model: ...)` so configuration, retries and tooling stay in one place",
                )
            elif http and t == "string" and PROVIDER_HOSTS.search(text(node)) and not _MODEL_LIST.search(text(node)):
                host = PROVIDER_HOSTS.search(text(node)).group(0)
                yield RULE.finding(
                    pf, node,
                    f"raw HTTP request to {host} bypasses ruby_llm",
                    f"this file builds a request to {host} with an HTTP client; the Gemfile requires ruby_llm",
                    hint="use `RubyLLM.chat(model: ...)`; set a custom endpoint with `config.openai_api_base`",
                )


RULE = Rule(
    id="rubyllm/bypass",
    category=Category.bypass,
    severity=Severity.warning,
    title="LLM provider called without RubyLLM",
    check=check,
)
