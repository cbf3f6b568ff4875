"""Bearer tokens. Only a SHA-256 of each token is stored; the token itself is shown once at creation."""

from __future__ import annotations

import hashlib
import secrets
import time
from dataclasses import dataclass

from fastapi import HTTPException, Request
from sqlalchemy import select
from sqlalchemy.orm import Session

from grader.service.models import ApiToken

TOKEN_PREFIX = "grd_"
COOKIE = "grader_token"


@dataclass(frozen=True)
class Principal:
    owner: str  # "token:<name>" or "anonymous"
    max_active: int


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8", "surrogatepass")).hexdigest()


def create_token(session: Session, name: str, max_active: int | None = None) -> str:
    name = name.strip()
    if not name or len(name) > 100:
        raise ValueError("a token name is 1 to 100 characters")
    if session.execute(select(ApiToken).where(ApiToken.name == name)).scalar_one_or_none() is not None:
        raise ValueError(f"a token named {name!r} exists already; pick another name or revoke it first")
    token = TOKEN_PREFIX + secrets.token_urlsafe(32)
    session.add(ApiToken(name=name, token_hash=hash_token(token), created_at=time.time(), max_active=max_active))
    session.commit()
    return token


def revoke_token(session: Session, name: str) -> bool:
    row = session.execute(select(ApiToken).where(ApiToken.name == name, ApiToken.revoked_at.is_(None))
                          ).scalar_one_or_none()
    if row is None:
        return False
    row.revoked_at = time.time()
    session.commit()
    return True


def presented_token(request: Request) -> str | None:
    header = request.headers.get("authorization")
    if header:
        scheme, _, value = header.partition(" ")
        if scheme.lower() != "bearer" or not value.strip():
            raise HTTPException(401, "the Authorization header must be `Bearer <token>`")
        return value.strip()
    return request.cookies.get(COOKIE) or None


def authenticate(request: Request, session: Session) -> Principal:
    settings = request.app.state.settings
    token = presented_token(request)
    if token is None:
        if settings.require_auth:
            raise HTTPException(401, "this server needs a bearer token: send `Authorization: Bearer <token>` "
                                     "(an admin creates one with `grader serve token create NAME`)")
        return Principal(owner="anonymous", max_active=settings.default_max_active)
    row = session.execute(select(ApiToken).where(ApiToken.token_hash == hash_token(token))).scalar_one_or_none()
    if row is None or row.revoked_at is not None:
        raise HTTPException(401, "unknown or revoked token: ask for a new one (`grader serve token create NAME`)")
    return Principal(owner=f"token:{row.name}", max_active=row.max_active or settings.default_max_active)
