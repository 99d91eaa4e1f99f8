"""Mapping between the customers tables' rows and domain objects."""

from __future__ import annotations

import json
from collections.abc import Collection
from typing import Any

from sqlalchemy.engine import RowMapping

from commerce_adapters.sqlalchemy.types import money_from_row
from commerce_core import serialization
from commerce_core.customers.ids import AddressId, CustomerId, SegmentId
from commerce_core.customers.ledgers import (
    Cause,
    PointsEntry,
    PointsEntryKind,
    PointsLot,
    WalletEntry,
    WalletEntryKind,
)
from commerce_core.customers.model import Address, Customer, CustomerStatus, Gender, Profile
from commerce_core.customers.program import CustomerProgram
from commerce_core.customers.segments import Segment, SegmentKind, SegmentRule
from commerce_core.customers.tiers import GrowthEntry, GrowthEntryKind, Membership

__all__ = [
    "PROGRAM_ID",
    "customer_from_row",
    "customer_to_row",
    "dumps",
    "growth_entry_from_row",
    "lot_from_row",
    "membership_from_row",
    "points_entry_from_row",
    "program_from_text",
    "segment_from_row",
    "wallet_entry_from_row",
]

PROGRAM_ID = "default"


def dumps(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"), sort_keys=True)


# -- mapping functions ---------------------------------------------------------------------
def customer_to_row(c: Customer) -> dict[str, Any]:
    return {
        "id": c.id,
        "version": c.version,
        "name": c.profile.name,
        "phone": c.profile.phone,
        "email": c.profile.email,
        "email_key": c.profile.email.lower() if c.profile.email is not None else None,
        "birthday": c.profile.birthday,
        "gender": c.profile.gender.value,
        "channel": c.profile.channel,
        "status": c.status.value,
        "registered_at": c.registered_at,
        "addresses": dumps(serialization.unstructure(list(c.addresses))),
        "default_address": c.default_address,
        "last_sign_in": c.last_sign_in,
        "sign_in_streak": c.sign_in_streak,
    }


def customer_from_row(row: RowMapping, tags: Collection[str]) -> Customer:
    return Customer(
        id=CustomerId(row["id"]),
        profile=Profile(
            name=row["name"],
            phone=row["phone"],
            email=row["email"],
            birthday=row["birthday"],
            gender=Gender(row["gender"]),
            channel=row["channel"],
        ),
        registered_at=row["registered_at"],
        status=CustomerStatus(row["status"]),
        tags=frozenset(tags),
        addresses=tuple(serialization.structure(json.loads(row["addresses"]), tuple[Address, ...])),
        default_address=AddressId(row["default_address"]) if row["default_address"] else None,
        last_sign_in=row["last_sign_in"],
        sign_in_streak=int(row["sign_in_streak"]),
        version=int(row["version"]),
    )


def wallet_entry_from_row(row: RowMapping) -> WalletEntry:
    amount = money_from_row("amount", row)
    after = money_from_row("balance_after", row)
    assert amount is not None
    assert after is not None
    return WalletEntry(
        id=row["id"],
        customer=CustomerId(row["customer_id"]),
        kind=WalletEntryKind(row["kind"]),
        amount=amount,
        balance_after=after,
        cause=Cause(row["cause"]),
        cause_id=row["cause_id"],
        reference=row["reference"],
        actor=row["actor"],
        reason=row["reason"],
        at=row["at"],
    )


def points_entry_from_row(row: RowMapping) -> PointsEntry:
    return PointsEntry(
        id=row["id"],
        customer=CustomerId(row["customer_id"]),
        kind=PointsEntryKind(row["kind"]),
        points=int(row["points"]),
        balance_after=int(row["balance_after"]),
        reference=row["reference"],
        order=row["order_id"],
        reason=row["reason"],
        at=row["at"],
    )


def lot_from_row(row: RowMapping) -> PointsLot:
    return PointsLot(
        id=row["id"],
        customer=CustomerId(row["customer_id"]),
        points=int(row["points"]),
        remaining=int(row["remaining"]),
        reference=row["reference"],
        earned_at=row["earned_at"],
        expires_at=row["expires_at"],
    )


def growth_entry_from_row(row: RowMapping) -> GrowthEntry:
    return GrowthEntry(
        id=row["id"],
        customer=CustomerId(row["customer_id"]),
        kind=GrowthEntryKind(row["kind"]),
        growth=int(row["growth"]),
        reference=row["reference"],
        order=row["order_id"],
        at=row["at"],
    )


def membership_from_row(row: RowMapping) -> Membership:
    return Membership(
        customer=CustomerId(row["customer_id"]),
        tier=row["tier"],
        next_review_at=row["next_review_at"],
        growth=int(row["growth"]),
        period_growth=int(row["period_growth"]),
        version=int(row["version"]),
    )


def segment_from_row(row: RowMapping, members: Collection[str]) -> Segment:
    rule = row["rule"]
    return Segment(
        id=SegmentId(row["id"]),
        name=row["name"],
        kind=SegmentKind(row["kind"]),
        rule=serialization.structure(json.loads(rule), SegmentRule) if rule else None,
        members=frozenset(CustomerId(m) for m in members),
        refresh_days=row["refresh_days"],
        version=int(row["version"]),
    )


def program_from_text(text: str | None) -> CustomerProgram:
    if text is None:
        return CustomerProgram()
    return serialization.structure(json.loads(text), CustomerProgram)
