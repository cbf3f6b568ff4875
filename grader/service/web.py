"""Server-rendered web UI."""

from fastapi import APIRouter

router = APIRouter()
