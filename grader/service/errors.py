"""Every error the API returns is JSON: {"error": {"status", "message"}} saying what to fix."""

from __future__ import annotations

import logging

from fastapi import FastAPI, HTTPException, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

log = logging.getLogger("grader.service")


class ApiError(HTTPException):
    def __init__(self, status: int, message: str, **extra):
        super().__init__(status, message)
        self.extra = extra


def error_body(status: int, message: str, **extra) -> dict:
    return {"error": {"status": status, "message": message, **extra}}


def _where(loc) -> str:
    parts = [str(p) for p in loc if p not in ("body",)]
    return ".".join(parts) or "request"


def validation_message(errors: list[dict]) -> str:
    lines = []
    for err in errors[:5]:
        msg = err.get("msg", "invalid value")
        lines.append(f"{_where(err.get('loc', ()))}: {msg}")
    return "; ".join(lines)


def install(app: FastAPI) -> None:
    @app.exception_handler(RequestValidationError)
    async def _validation(request: Request, exc: RequestValidationError):
        errors = [{"loc": [str(p) for p in e.get("loc", ())], "msg": str(e.get("msg", ""))} for e in exc.errors()[:20]]
        return JSONResponse(error_body(422, validation_message(exc.errors()), details=errors), status_code=422)

    @app.exception_handler(StarletteHTTPException)
    async def _http(request: Request, exc: StarletteHTTPException):
        extra = getattr(exc, "extra", {})
        message = exc.detail if isinstance(exc.detail, str) else str(exc.detail)
        if exc.status_code == 404 and message == "Not Found":
            message = f"no such endpoint: {request.method} {request.url.path} (see /api/v1/docs)"
        if exc.status_code == 405:
            message = f"{request.method} is not allowed on {request.url.path} (see /api/v1/docs)"
        html_error = getattr(request.app.state, "html_error", None)
        if html_error and not request.url.path.startswith("/api/") and "text/html" in request.headers.get("accept", ""):
            return html_error(request, exc.status_code, message)
        return JSONResponse(error_body(exc.status_code, message, **extra), status_code=exc.status_code,
                            headers=getattr(exc, "headers", None))

    @app.exception_handler(Exception)
    async def _bug(request: Request, exc: Exception):
        log.exception("unhandled error on %s %s", request.method, request.url.path)
        return JSONResponse(error_body(500, f"internal error ({type(exc).__name__}); the server log has the details"),
                            status_code=500)
