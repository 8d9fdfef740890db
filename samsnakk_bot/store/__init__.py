"""Persistent state: SQLAlchemy 2 (async) on SQLite or PostgreSQL, migrated by Alembic."""

from samsnakk_bot.domain.records import InboxEvent, InboxEventIn
from samsnakk_bot.store.accounts import Account, AccountRepo, Role
from samsnakk_bot.store.database import Database, alembic_config
from samsnakk_bot.store.inbox import InboxRepo
from samsnakk_bot.store.rooms import RoomKind, RoomRecord, RoomRepo
from samsnakk_bot.store.secrets import SecretRepo

__all__ = [
    "Account",
    "AccountRepo",
    "Database",
    "InboxEvent",
    "InboxEventIn",
    "InboxRepo",
    "Role",
    "RoomKind",
    "RoomRecord",
    "RoomRepo",
    "SecretRepo",
    "alembic_config",
]
