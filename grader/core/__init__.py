"""The kernel every stage shares: the stage contract, facts, the one safe reader of the graded repo.

Nothing here imports a heavy stage (docker, litellm, FastAPI, SQLAlchemy); `static_checks` may import
this package and nothing else of `grader`.
"""
