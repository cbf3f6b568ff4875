"""ActiveRecord models as a closed world: which instance methods an `acts_as_chat` (or any app) model has.

`model_world(ctx).verdict("Chat", "send_message")` -> known / missing / unverifiable (with the reason).
See world.py for the sources; generate.py regenerates ActiveRecord's instance API data.
"""
