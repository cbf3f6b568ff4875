"""A keyword RubyLLM sets on the chat through a `with_*` method is hinted with that method, taken from the
locked release's manifest (not a fixed list of methods)."""

RULE = "rubyllm/wrong-arguments"


def _hints(run_app, src: str, version: str = "1.16.0") -> list[str | None]:
    return [f.hint for f in run_app({"app/a.rb": src}, version=version, full=True) if f.rule == RULE]


def test_temperature_and_system_point_to_the_chat_setters(run_app):
    hints = _hints(run_app, """
        chat = RubyLLM.chat(model: "gpt-4o", temperature: 0.2)
        RubyLLM::Chat.new(model: "m", system: "be brief")
        chat.ask("hi", max_tokens: 100)
    """)
    assert hints == ["use the chat's API: `temperature:` → `.with_temperature(…)`",
                     "use the chat's API: `system:` → `.with_instructions(…)`",
                     "use the chat's API: `max_tokens:` → `.with_params(max_tokens: …)`"]


def test_a_release_without_the_setter_gets_the_signature_instead(run_app):
    # ruby_llm 1.0.0 has no with_params: no invented method is suggested.
    hints = _hints(run_app, 'RubyLLM.chat.ask("hi", max_tokens: 100)\n', version="1.0.0")
    assert len(hints) == 1 and "with_params" not in hints[0] and hints[0].startswith("call it as ask(")


def test_calls_that_are_not_on_a_chat_get_no_chat_setter(run_app):
    hints = _hints(run_app, 'RubyLLM.embed("text", temperature: 0.2)\n')
    assert all("with_temperature" not in (h or "") for h in hints)
