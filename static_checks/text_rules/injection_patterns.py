"""The phrases of security/prompt-injection (static_checks/text_rules/prompt_injection.py): who a grader is,
what speaks to one, and the words the scan looks around. Kept apart from the scan so that its prefilter
(injection_prefilter.py) is built from the very same pieces."""

from __future__ import annotations

import re

# Who a grader is. Unqualified "reviewer" is a person on a pull request; qualified, a grader.
_AI = r"(?:ai|llm|automated|automatic|language[- ]model|gpt|claude|model)"
_GRADING_WHAT = r"(?:agent|model|system|bot|llm|ai)"  # "grading agent": the one name that ends past its noun
_WHO_STRICT = (rf"(?:{_AI}[- ](?:grader|evaluator|reviewer|judge|assessor|marker|scorer)"
               rf"|grading {_GRADING_WHAT}|(?:llm|ai)[- ]as[- ]a[- ]judge)")
_WHO = rf"(?:{_WHO_STRICT}|grader|evaluator|assessor|judge)"
_FULL = r"(?:full|maximum|max|perfect|top|highest|100 ?%)"
_MARKS = r"(?:marks?|scores?|points|grades?|ratings?|credit)"


def you_are(who: str) -> str:
    """The "if you are" pattern from its second word on ("you are an AI grader ... grading")."""
    return (rf"you\s+are\s+(?:an?\s+)?(?:{_AI}|{who})\b[^.\n]{{0,60}}"
            r"\b(?:grad|evaluat|review|scor|judg|assess|mark)")


# What follows a grader's name in a vocative ("AI grader: please") and in "graders reading this".
VOCATIVE_TAIL = (r"s?[*_]*\s*(?::|,)[*_]*\s+"
                 r"(?:please|you|this|ignore|disregard|give|award|assign|score|rate|grade|note)\b")
READING_TAIL = r"s?\s+(?:reading|evaluating|reviewing|grading|scoring)\s+this\b"


def _addressing(who: str) -> list[re.Pattern[str]]:
    """Sentences that speak to a grader: a note to it, a salutation, a vocative, "if you are one"."""
    return [
        re.compile(rf"(?i)\b(?:note|message|instructions?|reminder|hint)\s+(?:to|for)\s+(?:the\s+|any\s+|all\s+)?"
                   rf"{who}s?\b"),
        re.compile(rf"(?i)\b(?:dear|attention|hey|hello|hi)\s*,?\s+(?:the\s+)?{who}s?\b"),
        re.compile(rf"(?im)(?:^|[.!?][ \t]+|^[^\w\n]*)(?:to\s+)?(?:the\s+|any\s+|all\s+)?{who}{VOCATIVE_TAIL}"),
        re.compile(rf"(?i)\bif\s+{you_are(who)}"),
        re.compile(rf"(?i)\b{who}{READING_TAIL}"),
    ]


_IF_YOU_ARE = 3  # the one pattern of _addressing that an _AI word satisfies without a grader's name
ADDRESS = _addressing(_WHO)
ADDRESS_STRICT = _addressing(_WHO_STRICT)
MARKS = [
    re.compile(rf"(?i)\b(?:give|award|assign|grant)\s+(?:(?:this|the|our|my)\s+(?:\w+\s+){{0,2}}|it\s+|us\s+|me\s+"
               rf"|them\s+)?(?:the\s+|a\s+)?{_FULL}\s+{_MARKS}"),
    re.compile(r"(?i)\b(?:score|grade|rate|mark)\s+(?:(?:this|the|our|my)\s+\w+|it|us|me)\s+(?:as\s+|with\s+)?"
               r"(?:10\s*/\s*10|100\s*/\s*100|100\s*%|a\s+perfect|perfect|the\s+maximum|full\s+marks|an?\s+A\+?(?!\w))"),
    re.compile(rf"(?i)\b(?:deserves?|earns?|merits?)\s+(?:the\s+|a\s+)?{_FULL}\s+{_MARKS}"),
]
SYSTEM_PROMPT = r"system\s+(?:prompt|instructions)\s*:"  # after new|updated|revised
IGNORE = [
    re.compile(r"(?i)\b(?:ignore|disregard|forget)\s+(?:all\s+|any\s+)?(?:of\s+)?(?:the\s+|your\s+)?"
               r"(?:previous|prior|above|earlier|preceding|original|system|grading)\s+"
               r"(?:instructions|prompts?|guidelines|directions|directives|rubric|criteria)"),
    # "rules" alone is what linters are told to ignore; "all previous rules" is not
    re.compile(r"(?i)\b(?:ignore|disregard|forget)\s+all\s+(?:of\s+)?(?:the\s+|your\s+)?"
               r"(?:previous|prior|above|earlier|preceding)\s+rules"),
    re.compile(rf"(?i)\b(?:new|updated|revised)\s+{SYSTEM_PROMPT}"),
]

# The sentence describes or guards against the phrase rather than saying it.
_DEFENSIVE = re.compile(
    r"(?i)\b(?:never|not|n't|no|refuse[sd]?|reject|rejects|detect|detects|block|blocks|filter|filters|prevent"
    r"|prevents|guard|guards|protect|protects|against|resist|resists|such\s+as|e\.g|i\.e|for\s+example"
    r"|attempts?|tries|trying|try\s+to|asks?|asked|asking|whether|injection|jailbreak|user\s+says"
    r"|user\s+writes|messages?\s+(?:that|which))\b")
_CONDITION_AFTER = re.compile(r"(?i)\b(?:if|when|whenever|unless|only|once|provided)\b")
_ATTACK_CONDITION = re.compile(rf"(?i)\bif\s+you\s+are\s+(?:an?\s+)?(?:{_AI}|{_WHO})")
_QUOTES = "\"'`\u201c\u2018\u00ab"
# Every pattern above needs one of these words: only the lines around them are matched in full
# (the full patterns are slow on large files; this one pass is not).
# Matched against lower-cased text without IGNORECASE: several times faster on large files.
_TRIGGER = re.compile(r"grad|evaluat|review|judg|assess|mark|scor|point|rat(?:ing|e\b)|credit|ignor|disregard"
                      r"|forget|system\s+(?:prompt|instruction)|10\s*/\s*10")
WINDOW_CHARS = 600
WINDOW_LINES = 3  # lines of context kept on each side of a trigger word (the sentence filters read them)
_HIDDEN = re.compile(r"<!--(.*?)-->|<%#(.*?)%>|^[ \t]*\[//\]:[ \t]*#[ \t]*\((.*?)\)[ \t]*$", re.DOTALL | re.MULTILINE)
# Hidden from a human reader, a comment that names a reviewer, says "you/please/must" and talks
# scores is aimed at a grader, whoever the reviewer is.
_HIDDEN_WHO = re.compile(rf"(?i)\b(?:{_WHO}|reviewer|grader|marker|examiner)s?\b")
_SPEAKS = re.compile(r"(?i)\b(?:you|your|please|must|should)\b")
_SCORING = re.compile(rf"(?i)\b(?:scor\w*|grad\w*|{_MARKS}|pass|rate|full|perfect|maximum|max)\b|\b10\s*/\s*10\b")


# One search that each pattern of a group needs to succeed somewhere in the text (a word every one of
# them contains, with the same flags): a window without it skips the group's several full scans.
_NEEDS_WHO = re.compile(rf"(?i){_WHO}")
_NEEDS_WHO_STRICT = re.compile(rf"(?i){_WHO_STRICT}")
_NEEDS_MARKS_VERB = re.compile(r"(?i)\b(?:give|award|assign|grant|score|grade|rate|mark|deserves?|earns?|merits?)\s")
_NEEDS_IGNORE_VERB = re.compile(r"(?i)\b(?:ignore|disregard|forget)\s|\b(?:new|updated|revised)\s+system\s")
