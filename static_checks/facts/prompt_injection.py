"""Text in the repo aimed at an LLM grader ("ignore previous instructions", "give full marks",
hidden HTML comments for the reviewer). It changes nothing the judge scores (the judge treats repo
text as data), but a repo that tries it is reported: it is a finding of its own."""

from __future__ import annotations

import re

from static_checks.facts.context import FactContext, fact
from static_checks.facts.registry import collector

SCAN_SUFFIXES = (".md", ".markdown", ".txt", ".rdoc", ".rb", ".erb", ".html", ".haml", ".slim", ".js", ".ts",
                 ".yml", ".yaml", ".json", ".css", ".rake")
SCAN_NAMES = ("README", "CLAUDE.md", "AGENTS.md", "Dockerfile", "Gemfile", ".cursorrules")
MAX_SCAN_BYTES = 512_000
MAX_EVIDENCE = 20

# Graders only: in a chat app "instructions for the assistant" or "the model" is the app's own business.
_WHO = r"(?:(?:ai |llm |automated |code )?(?:grader|evaluator|reviewer|judge|assessor)|grading (?:agent|model|system))"
_FULL = r"(?:full|maximum|max|perfect|top|highest|all(?: the)?|100 ?%?)"
_MARKS = r"(?:marks?|scores?|points|grades?|ratings?|credit)"
INSTRUCTION_PATTERNS = [
    re.compile(r"(?i)\b(?:ignore|disregard|forget|override)\s+(?:all\s+|any\s+)?(?:the\s+|your\s+)?"
               r"(?:previous|prior|above|earlier|preceding|other|system)\s+(?:instructions|prompts?|rules|guidelines|directions)"),
    re.compile(rf"(?i)\b(?:give|award|assign|grant)\s+(?:this\s+\w+\s+|it\s+|us\s+|me\s+)?{_FULL}\s+{_MARKS}"),
    re.compile(r"(?i)\b(?:score|grade|rate|mark)\s+(?:this\s+\w+|it|the\s+\w+)\s+(?:as\s+)?"
               r"(?:10\s*/\s*10|100\s*/\s*100|100\s*%|a\s+perfect|perfect|the\s+maximum|full\s+marks|an?\s+A\b)"),
    re.compile(rf"(?i)\b(?:note|message|instructions?)\s+(?:to|for)\s+(?:the\s+|any\s+)?{_WHO}s?\b"),
    re.compile(rf"(?i)\b(?:dear|attention|hey)\s+{_WHO}s?\b"),
    re.compile(rf"(?i)\bif\s+you\s+are\s+(?:an?\s+)?(?:ai|llm|language model|{_WHO})\b"
               r"[^.\n]{0,40}\b(?:grad|evaluat|review|scor|judg)"),
    re.compile(r"(?i)\b(?:new|updated)\s+system\s+(?:prompt|instructions)\b"),
]
_HIDDEN = re.compile(r"<!--(.*?)-->|<%#(.*?)%>", re.DOTALL)
_GRADER_WORDS = re.compile(rf"(?i)\b{_WHO}s?\b|\b{_MARKS}\b")


def _scanned(rel: str) -> bool:
    name = rel.rsplit("/", 1)[-1]
    return name.endswith(SCAN_SUFFIXES) or name.startswith(SCAN_NAMES)


def _line_of(text: str, offset: int) -> int:
    return text.count("\n", 0, offset) + 1


def _snippet(text: str) -> str:
    return " ".join(text.split())[:160]


@collector(ids=["injection.instructions", "injection.hidden_comments", "injection.found"])
def prompt_injection(ctx: FactContext):
    instructions = []
    hidden = []
    for rel in ctx.all_files:
        if not _scanned(rel):
            continue
        text = ctx.read_text(rel, max_bytes=MAX_SCAN_BYTES)
        if not text:
            continue
        hits = {(m.start(), m.group(0)) for p in INSTRUCTION_PATTERNS for m in p.finditer(text)}
        for start, _match in sorted(hits):
            line = _line_of(text, start)
            instructions.append(ctx.ev_text(rel, line, _snippet(text.splitlines()[line - 1])))
        for m in _HIDDEN.finditer(text):
            body = m.group(1) if m.group(1) is not None else m.group(2)
            if any(p.search(body) for p in INSTRUCTION_PATTERNS) or (
                    _GRADER_WORDS.search(body) and re.search(r"(?i)\b(?:you|your|please)\b", body)):
                hidden.append(ctx.ev_text(rel, _line_of(text, m.start()), _snippet(m.group(0))))
    found = bool(instructions or hidden)
    rule = "facts/prompt-injection"
    return [
        fact("injection.instructions", len(instructions), rule + "/instructions", instructions[:MAX_EVIDENCE],
             "phrases addressing an AI grader (ignore previous instructions, give full marks...)"),
        fact("injection.hidden_comments", len(hidden), rule + "/hidden-comments", hidden[:MAX_EVIDENCE],
             "HTML or ERB comments that speak to a grader or reviewer"),
        fact("injection.found", found, rule, (instructions + hidden)[:MAX_EVIDENCE]),
    ]
