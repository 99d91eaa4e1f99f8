"""Typed ids of the catalog context."""

from __future__ import annotations

from typing import NewType

__all__ = ["CategoryId"]

CategoryId = NewType("CategoryId", str)
