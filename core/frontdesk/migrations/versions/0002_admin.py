"""Admin: agents, agent sessions, settings overrides, encrypted plugin secrets, teach-examples.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-21
"""
import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

TZ = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "agents",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("email", sa.String(320), nullable=False, unique=True),
        sa.Column("name", sa.String(100), nullable=False),
        sa.Column("role", sa.String(16), nullable=False),
        sa.Column("password_hash", sa.String(300), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("created_at", TZ, nullable=False),
        sa.Column("last_login_at", TZ),
    )
    op.create_table(
        "agent_sessions",
        sa.Column("token_hash", sa.String(64), primary_key=True),
        sa.Column("agent_id", sa.Integer(), sa.ForeignKey("agents.id", ondelete="CASCADE"), nullable=False),
        sa.Column("csrf_token", sa.String(64), nullable=False),
        sa.Column("created_at", TZ, nullable=False),
        sa.Column("last_seen_at", TZ, nullable=False),
    )
    op.create_index("ix_agent_sessions_agent_id", "agent_sessions", ["agent_id"])
    op.create_table(
        "admin_settings",
        sa.Column("key", sa.String(200), primary_key=True),
        sa.Column("value", sa.JSON(), nullable=False),
        sa.Column("updated_at", TZ, nullable=False),
        sa.Column("updated_by", sa.String(320)),
    )
    op.create_table(
        "admin_secrets",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("plugin", sa.String(100), nullable=False),
        sa.Column("name", sa.String(100), nullable=False),
        sa.Column("ciphertext", sa.Text(), nullable=False),
        sa.Column("hint", sa.String(8), nullable=False),
        sa.Column("updated_at", TZ, nullable=False),
        sa.UniqueConstraint("plugin", "name", name="uq_admin_secrets_plugin_name"),
    )
    op.create_table(
        "teach_examples",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("intent", sa.String(100), nullable=False),
        sa.Column("language", sa.String(8), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("event_id", sa.Integer()),
        sa.Column("created_by", sa.String(320)),
        sa.Column("created_at", TZ, nullable=False),
        sa.UniqueConstraint("intent", "language", "text", name="uq_teach_examples"),
    )
    op.create_index("ix_teach_examples_intent", "teach_examples", ["intent"])


def downgrade() -> None:
    op.drop_table("teach_examples")
    op.drop_table("admin_secrets")
    op.drop_table("admin_settings")
    op.drop_table("agent_sessions")
    op.drop_table("agents")
