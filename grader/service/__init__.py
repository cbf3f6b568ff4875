"""The grading service: HTTP API, job store, web UI and workers (`grader serve`, `grader worker`).

Imports fastapi, sqlalchemy and celery: load it only from the service commands, never from `grader check`.
"""
