"""Base model: frozen, unknown keys rejected, defaults validated too."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict


class Model(BaseModel):
    model_config = ConfigDict(
        extra="forbid", frozen=True, validate_default=True, strict=False, defer_build=True
    )
