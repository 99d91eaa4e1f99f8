"""Adapters shipped with commerce-core: ``memory`` and ``sqlalchemy`` (SQLite, PostgreSQL,
MySQL/MariaDB). The core never imports them; they plug in through ports and entry points."""
