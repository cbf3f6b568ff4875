"""attr_* macros are read by one walker (models_world/declarations.py); the type scan asks it for the ivar
readers a class defines (ClassDef.readers / writers)."""

from __future__ import annotations

import textwrap

from static_checks.parsing import parse_ruby
from static_checks.types.scan import scan_file

SRC = textwrap.dedent("""
    class Assistant
      attr_reader :chat
      attr_accessor :model
      attr_writer :tone
      attribute :label
      class << self
        attr_reader :registry
      end

      def reply = chat.ask("hi")
    end
""").lstrip()


def test_a_class_readers_and_writers_are_its_attr_macros_on_the_instance_side():
    [cls] = scan_file(parse_ruby("app/services/assistant.rb", SRC.encode())).classes
    assert cls.readers == {"chat", "model"}
    assert cls.writers == {"model", "tone"}
    assert {"chat", "model", "model=", "tone=", "label", "reply"} <= cls.declared.names
    assert "registry" in cls.declared.class_names and "registry" not in cls.declared.names
