"""Alembic migrations of the SQL adapter's schema (applied by ``commerce db upgrade``)."""
