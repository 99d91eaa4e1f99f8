"""Typed ids of the customers context."""

from __future__ import annotations

from typing import NewType

__all__ = ["AddressId", "CustomerId", "SegmentId", "WithdrawalId"]

CustomerId = NewType("CustomerId", str)
AddressId = NewType("AddressId", str)
SegmentId = NewType("SegmentId", str)
WithdrawalId = NewType("WithdrawalId", str)
