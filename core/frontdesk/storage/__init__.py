"""Storage: SQLAlchemy models and the database handle. SQLite by default, PostgreSQL by URL."""

from frontdesk.storage.db import Database
from frontdesk.storage.models import Base, Contact, Conversation, Event, Message

__all__ = ["Base", "Contact", "Conversation", "Database", "Event", "Message"]
