"""Page analysis of the boot probe: Turbo/Stimulus markers and the chat form."""

from grader.runtime.probe import PROBE_NO_ANSWER, analyse_page, parse_probe_output

RAILS_PAGE = """<html><head><script type="importmap">{"imports":{"@hotwired/turbo-rails":"/t.js",
"@hotwired/stimulus":"/s.js"}}</script></head><body>
<turbo-cable-stream-source channel="Turbo::StreamsChannel"></turbo-cable-stream-source>
<form action="/chats/1/messages" method="post"><textarea name="message[content]"></textarea></form></body></html>"""


def test_rails_chat_page_has_everything():
    page = analyse_page(RAILS_PAGE)
    assert page.turbo and page.stimulus and page.chat_form
    assert "turbo-cable-stream-source" in page.markers


def test_plain_page_has_nothing():
    page = analyse_page(
        "<html><body><h1>Welcome</h1><form action=/login><input type=password name=pw></form></body></html>")
    assert (page.turbo, page.stimulus, page.chat_form) == (False, False, False)


def test_text_input_named_like_a_message_is_a_chat_form():
    assert analyse_page('<form><input type="text" name="prompt"></form>').chat_form is True
    # A textarea outside any form is not a form the user can submit.
    html = "<div><textarea></textarea></div><form><input type=hidden name=message></form>"
    assert analyse_page(html).chat_form is False


def test_malformed_html_does_not_raise():
    assert analyse_page("<form><textarea <<< </form").turbo is False


def test_probe_output_parsing():
    assert parse_probe_output(0, b"HTTP 500 /\n<h1>oops</h1>").status == 500
    ok = parse_probe_output(0, b"HTTP 200 /chats/new\nbody")
    assert (ok.status, ok.body, ok.path) == (200, "body", "/chats/new")
    none = parse_probe_output(PROBE_NO_ANSWER, b"NOANSWER Errno::ECONNREFUSED: refused\n")
    assert none.status is None and "ECONNREFUSED" in none.error and not none.missing_runtime
    no_ruby = parse_probe_output(126, b'OCI runtime exec failed: exec: "ruby": executable file not found')
    assert no_ruby.missing_runtime and no_ruby.status is None


class _Container:
    """Only what the witness reads: a status the engine reports on reload."""

    def __init__(self, *statuses: str) -> None:
        self.statuses, self.status = list(statuses), statuses[0]

    def reload(self) -> None:
        self.status = self.statuses.pop(0) if self.statuses else self.status


def test_no_ruby_is_concluded_only_on_two_failed_execs_in_a_row_with_the_app_running():
    from grader.runtime.steps import _NoRubyWitness

    no_ruby = parse_probe_output(127, b'exec: "ruby": executable file not found')
    refused = parse_probe_output(PROBE_NO_ANSWER, b"NOANSWER Errno::ECONNREFUSED\n")
    # A crashing app fails the exec once while the engine still says "running": not the image's fault.
    witness = _NoRubyWitness()
    assert not witness.confirmed(no_ruby, _Container("running"))
    assert not witness.confirmed(None, _Container("exited"))  # the next turn sees the exit
    # An image without ruby fails every exec while the app runs.
    witness = _NoRubyWitness()
    running = _Container("running")
    assert not witness.confirmed(no_ruby, running)
    assert witness.confirmed(no_ruby, running)
    # Another kind of answer in between starts the count again.
    witness = _NoRubyWitness()
    assert not witness.confirmed(no_ruby, running)
    assert not witness.confirmed(refused, running)
    assert not witness.confirmed(no_ruby, running)
    # A stopped container never proves a missing ruby.
    assert not _NoRubyWitness().confirmed(no_ruby, _Container("exited"))
