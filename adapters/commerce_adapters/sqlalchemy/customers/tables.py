"""Tables of the customers context (on the adapter's shared ``metadata``)."""

from __future__ import annotations

import sqlalchemy as sa

from commerce_adapters.sqlalchemy.tables import metadata
from commerce_adapters.sqlalchemy.types import UtcDateTime, key_string, money_columns

__all__ = [
    "activity",
    "behavior_events",
    "customers",
    "favorites",
    "growth_entries",
    "memberships",
    "points_accounts",
    "points_entries",
    "points_lots",
    "program",
    "segment_members",
    "segments",
    "tags",
    "wallet_entries",
    "wallets",
    "withdrawals",
]

ID = key_string(64)
REF = key_string(160)

customers = sa.Table(
    "customers",
    metadata,
    sa.Column("id", ID, primary_key=True),
    sa.Column("version", sa.BigInteger, nullable=False),
    sa.Column("name", sa.String(64), nullable=False),
    sa.Column("phone", sa.String(20), nullable=True),
    sa.Column("email", sa.String(254), nullable=True),
    # The whole address lower-cased: one mailbox per shop, whatever its letter case.
    sa.Column("email_key", key_string(254), nullable=True),
    sa.Column("birthday", sa.Date, nullable=True),
    sa.Column("gender", key_string(16), nullable=False),
    sa.Column("channel", key_string(32), nullable=False),
    sa.Column("status", key_string(16), nullable=False),
    sa.Column("registered_at", UtcDateTime(), nullable=False),
    # Owned by the aggregate and never queried on their own: one JSON document.
    sa.Column("addresses", sa.Text, nullable=False),
    sa.Column("default_address", ID, nullable=True),
    sa.Column("last_sign_in", sa.Date, nullable=True),
    sa.Column("sign_in_streak", sa.Integer, nullable=False),
    sa.Index(None, "status", "id"),
    # Business keys (unique indexes: SQLite adds them to a table that exists); a violation
    # is customer_phone_taken / customer_email_taken, never a retried conflict.
    sa.Index("uq_customers_phone", "phone", unique=True),
    sa.Index("uq_customers_email_key", "email_key", unique=True),
)

tags = sa.Table(
    "customer_tags",
    metadata,
    sa.Column("customer_id", ID, primary_key=True),
    sa.Column("tag", key_string(32), primary_key=True),
    sa.Index(None, "tag", "customer_id"),
)

wallets = sa.Table(
    "customer_wallets",
    metadata,
    sa.Column("customer_id", ID, primary_key=True),
    *money_columns("balance"),
    sa.Column("version", sa.BigInteger, nullable=False),
    sa.CheckConstraint("balance_minor >= 0", name="balance_not_negative"),
)

wallet_entries = sa.Table(
    "customer_wallet_entries",
    metadata,
    sa.Column("id", ID, primary_key=True),
    sa.Column("customer_id", ID, nullable=False),
    sa.Column("kind", key_string(24), nullable=False),
    *money_columns("amount"),
    *money_columns("balance_after"),
    sa.Column("cause", key_string(16), nullable=False),
    sa.Column("cause_id", REF, nullable=False),
    sa.Column("reference", REF, nullable=False),
    sa.Column("actor", key_string(160), nullable=False),
    sa.Column("reason", sa.String(200), nullable=True),
    sa.Column("at", UtcDateTime(), nullable=False),
    sa.UniqueConstraint("customer_id", "reference"),
    sa.Index(None, "customer_id", "at", "id"),
)

withdrawals = sa.Table(
    "customer_withdrawals",
    metadata,
    sa.Column("id", ID, primary_key=True),
    sa.Column("customer_id", ID, nullable=False),
    *money_columns("amount"),
    sa.Column("status", key_string(16), nullable=False),
    sa.Column("requested_at", UtcDateTime(), nullable=False),
    sa.Column("decided_at", UtcDateTime(), nullable=True),
    sa.Column("decided_by", key_string(160), nullable=True),
    sa.Column("version", sa.BigInteger, nullable=False),
    sa.Index(None, "status", "requested_at"),
)

points_accounts = sa.Table(
    "customer_points",
    metadata,
    sa.Column("customer_id", ID, primary_key=True),
    sa.Column("balance", sa.BigInteger, nullable=False),
    sa.Column("version", sa.BigInteger, nullable=False),
    sa.CheckConstraint("balance >= 0", name="balance_not_negative"),
)

points_lots = sa.Table(
    "customer_points_lots",
    metadata,
    sa.Column("id", ID, primary_key=True),
    sa.Column("customer_id", ID, nullable=False),
    sa.Column("points", sa.BigInteger, nullable=False),
    sa.Column("remaining", sa.BigInteger, nullable=False),
    sa.Column("reference", REF, nullable=False),
    sa.Column("earned_at", UtcDateTime(), nullable=False),
    sa.Column("expires_at", UtcDateTime(), nullable=False),
    sa.CheckConstraint("remaining >= 0", name="remaining_not_negative"),
    sa.Index(None, "customer_id", "expires_at"),
)

points_entries = sa.Table(
    "customer_points_entries",
    metadata,
    sa.Column("id", ID, primary_key=True),
    sa.Column("customer_id", ID, nullable=False),
    sa.Column("kind", key_string(16), nullable=False),
    sa.Column("points", sa.BigInteger, nullable=False),
    sa.Column("balance_after", sa.BigInteger, nullable=False),
    sa.Column("reference", REF, nullable=False),
    sa.Column("order_id", REF, nullable=True),
    sa.Column("reason", sa.String(200), nullable=True),
    sa.Column("at", UtcDateTime(), nullable=False),
    sa.UniqueConstraint("customer_id", "reference"),
    sa.Index(None, "customer_id", "order_id"),
    sa.Index(None, "customer_id", "at", "id"),
)

memberships = sa.Table(
    "customer_memberships",
    metadata,
    sa.Column("customer_id", ID, primary_key=True),
    sa.Column("tier", key_string(32), nullable=False),
    sa.Column("growth", sa.BigInteger, nullable=False),
    sa.Column("period_growth", sa.BigInteger, nullable=False),
    sa.Column("next_review_at", UtcDateTime(), nullable=False),
    sa.Column("version", sa.BigInteger, nullable=False),
    sa.Index(None, "tier"),
)

growth_entries = sa.Table(
    "customer_growth_entries",
    metadata,
    # REF wide: the migration that made this ledger opened it with "opening:<customer>".
    sa.Column("id", REF, primary_key=True),
    sa.Column("customer_id", ID, nullable=False),
    sa.Column("kind", key_string(16), nullable=False),
    sa.Column("growth", sa.BigInteger, nullable=False),
    sa.Column("reference", REF, nullable=False),
    sa.Column("order_id", REF, nullable=True),
    sa.Column("at", UtcDateTime(), nullable=False),
    sa.UniqueConstraint("customer_id", "reference"),
    sa.Index(None, "customer_id", "order_id"),
)

program = sa.Table(
    "customer_program",
    metadata,
    sa.Column("id", key_string(32), primary_key=True),
    sa.Column("settings", sa.Text, nullable=False),
    sa.Column("version", sa.BigInteger, nullable=False),
)

behavior_events = sa.Table(
    "customer_behavior_events",
    metadata,
    sa.Column("id", ID, primary_key=True),
    sa.Column("customer_id", ID, nullable=False),
    sa.Column("kind", key_string(16), nullable=False),
    sa.Column("at", UtcDateTime(), nullable=False),
    sa.Column("product_id", ID, nullable=True),
    sa.Column("category_id", ID, nullable=True),
    sa.Column("query", sa.String(64), nullable=True),
    sa.Column("order_id", ID, nullable=True),
    *money_columns("amount", nullable=True),
    # Covering: a customer's payments in a window, summed from the index alone.
    sa.Index(None, "customer_id", "kind", "at", "amount_minor"),
    # Segment rules aggregate payments in a time window for every customer at once.
    sa.Index(None, "kind", "at", "customer_id", "amount_minor"),
)

activity = sa.Table(
    "customer_activity",
    metadata,
    sa.Column("customer_id", ID, primary_key=True),
    sa.Column("last_active", UtcDateTime(), nullable=False),
    sa.Column("last_paid", UtcDateTime(), nullable=True),
)

favorites = sa.Table(
    "customer_favorites",
    metadata,
    sa.Column("customer_id", ID, primary_key=True),
    sa.Column("product_id", ID, primary_key=True),
    sa.Column("favorited", sa.Boolean, nullable=False),
    sa.Column("at", UtcDateTime(), nullable=False),
)

segments = sa.Table(
    "customer_segments",
    metadata,
    sa.Column("id", ID, primary_key=True),
    sa.Column("name", sa.String(64), nullable=False),
    sa.Column("kind", key_string(16), nullable=False),
    sa.Column("rule", sa.Text, nullable=True),
    sa.Column("refresh_days", sa.Integer, nullable=True),
    sa.Column("version", sa.BigInteger, nullable=False),
)

segment_members = sa.Table(
    "customer_segment_members",
    metadata,
    sa.Column("segment_id", ID, primary_key=True),
    sa.Column("customer_id", ID, primary_key=True),
    sa.Index(None, "customer_id"),
)
