RULE = "rubyllm/dynamic-call"


def test_send_on_typed_receiver_is_unverifiable_info(run_app):
    found = run_app({"app/a.rb": "chat = RubyLLM.chat\nchat.send(:user, 'x')\nchat.public_send(name)\nobj.send(:user)\n"
                                 "chat.send(:complete)\nchat.try(:model)\n"}, full=True)
    assert [(f.line, f.rule) for f in found] == [(2, RULE), (3, RULE)]
    assert all(f.severity.value == "info" and f.category.value == "unverifiable" for f in found)
    assert "not in the manifest" in found[0].evidence
