"""A model that gets a module from outside its own body (`Chat.include(M)` in an initializer, `Chat.prepend M`,
`Chat.send(:include, M)`, or a computed `klass.prepend(extension)` that may be any model) may have methods its
files do not list: a name missing from its world is unverifiable, not invented. Other models stay closed."""

from __future__ import annotations

import pytest

from test_gem_hookup import REMOVED_COLUMN, _check

RAILTIE_BOOT = {"config/environment.rb": 'require "active_record"\nrequire "ruby_llm"\n'
                "ActiveRecord::Base.include RubyLLM::ActiveRecord::ActsAs\n"}


def _rules(found):
    return [(f, line, rule) for f, line, rule, _sev in found if (f, line) == REMOVED_COLUMN]


def test_a_model_nothing_mixes_into_from_outside_stays_closed(tmp_path):
    plain = {"config/initializers/lists.rb": 'ALLOWED = %w[a b]\nALLOWED.include?("a")\nMessage.include(Notes)\n'}
    assert _rules(_check(tmp_path, {**RAILTIE_BOOT, **plain})) == [(*REMOVED_COLUMN, "rubyllm/unknown-method")]


@pytest.mark.parametrize("patch", [
    "Chat.include(Contactable)\n",
    "Chat.prepend Contactable\n",
    "Chat.send(:include, Contactable)\n",
    "::Chat.class_eval { def customer_phone = nil }\n",
    "def self.apply!(klass: Chat, extension: Contactable) = klass.prepend(extension)\n",
])
def test_a_module_mixed_in_from_outside_leaves_the_model_unverifiable(tmp_path, patch):
    found = _check(tmp_path, {**RAILTIE_BOOT, "config/initializers/contact.rb": patch})
    assert _rules(found) == [(*REMOVED_COLUMN, "rubyllm/unverifiable-model-call")], patch
