"""A real OpenAI-compatible HTTP server on 127.0.0.1 for the judge tests: /v1/chat/completions in
tool-call and JSON modes, scripted per test, counting requests, with fault injection."""

from __future__ import annotations

import json
import re
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

TOKEN = re.compile(r"instructions_token: (\w+)")
CRITERION = re.compile(r"CRITERION (\S+) \(dimension")


@dataclass
class Reply:
    status: int = 200
    body: bytes | None = None  # raw body (malformed JSON, errors); None: built from `answer`
    answer: dict | None = None
    headers: dict = field(default_factory=dict)
    delay: float = 0.0


def token_of(request: dict) -> str:
    found = TOKEN.findall("\n".join(str(m.get("content", "")) for m in request.get("messages", [])))
    return found[-1] if found else ""


def criterion_of(request: dict) -> str:
    found = CRITERION.findall("\n".join(str(m.get("content", "")) for m in request.get("messages", [])))
    return found[-1] if found else ""


def completion(request: dict, answer: dict, prompt_tokens: int = 1000, completion_tokens: int = 100) -> dict:
    """A chat completion carrying `answer` the way the request asked for it (tool call or JSON text)."""
    args = json.dumps(answer)
    message: dict = {"role": "assistant", "content": None}
    tools = request.get("tools") or []
    if tools:
        name = tools[0]["function"]["name"]
        message["tool_calls"] = [{"id": "call_1", "type": "function", "function": {"name": name, "arguments": args}}]
        finish = "tool_calls"
    else:
        message["content"] = args
        finish = "stop"
    return {
        "id": "chatcmpl-fake", "object": "chat.completion", "created": int(time.time()), "model": request.get("model"),
        "choices": [{"index": 0, "message": message, "finish_reason": finish}],
        "usage": {"prompt_tokens": prompt_tokens, "completion_tokens": completion_tokens,
                  "total_tokens": prompt_tokens + completion_tokens},
    }


class FakeLLM:
    """script(request, n) -> Reply; n counts requests from 1. `requests` keeps every request body."""

    def __init__(self) -> None:
        self.requests: list[dict] = []
        self.script: Callable[[dict, int], Reply] = lambda req, n: Reply(answer=None)
        self.latency = 0.0
        self._lock = threading.Lock()
        owner = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):  # quiet
                return

            def do_POST(self):  # noqa: N802
                length = int(self.headers.get("Content-Length") or 0)
                raw = self.rfile.read(length)
                try:
                    req = json.loads(raw or b"{}")
                except ValueError:
                    req = {}
                with owner._lock:
                    owner.requests.append(req)
                    n = len(owner.requests)
                reply = owner.script(req, n)
                if reply.delay or owner.latency:
                    time.sleep(reply.delay or owner.latency)
                body = reply.body
                if body is None:
                    body = json.dumps(completion(req, reply.answer or {})).encode()
                try:
                    self.send_response(reply.status)
                    self.send_header("Content-Type", "application/json")
                    for k, v in reply.headers.items():
                        self.send_header(k, v)
                    self.send_header("Content-Length", str(len(body)))
                    self.end_headers()
                    self.wfile.write(body)
                except (BrokenPipeError, ConnectionResetError):
                    pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}/v1"

    def start(self) -> "FakeLLM":
        self.thread.start()
        return self

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()

    @property
    def calls(self) -> int:
        return len(self.requests)


FILE_HEADER = re.compile(r"^<<<FILE \w+ (\S+) lines \d+-\d+ of \d+>>>$", re.MULTILINE)
NUMBERED = re.compile(r"^\s*(\d+) \| (.*)$")


def first_citation(request: dict, path_hint: str | None = None) -> dict:
    """A real citation from the excerpt the prompt carries: the first non-blank line of the first
    file (or of the first file whose path contains `path_hint`)."""
    text = "\n".join(str(m.get("content", "")) for m in request.get("messages", []) if m.get("role") == "user")
    for m in FILE_HEADER.finditer(text):
        path = m.group(1)
        if path_hint and path_hint not in path:
            continue
        for line in text[m.end():].splitlines()[1:]:
            if line.startswith("<<<END FILE"):
                break
            got = NUMBERED.match(line)
            if got and got.group(2).strip():
                n = int(got.group(1))
                return {"file": path, "start_line": n, "end_line": n, "quote": got.group(2).strip()}
    return {"file": "nowhere.rb", "start_line": 1, "end_line": 1, "quote": "nothing"}


def good_answer(request: dict, score: float, path_hint: str | None = None, **extra) -> dict:
    answer = {"rationale": "the cited code does what the criterion asks",
              "evidence": [first_citation(request, path_hint)],
              "relies_on": [], "instructions_token": token_of(request), "score": score}
    answer.update(extra)
    return answer
