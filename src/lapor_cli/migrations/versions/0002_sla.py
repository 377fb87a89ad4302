"""Deadlines: urgent cases and paused clocks.

Revision ID: 0002
Revises: 0001
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

naive = sa.DateTime(timezone=False)


def upgrade() -> None:
    with op.batch_alter_table("kasus") as batch:
        batch.add_column(sa.Column("segera", sa.Boolean, nullable=False, server_default=sa.false()))
    op.create_table(
        "jeda",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("kasus_id", sa.Integer, sa.ForeignKey("kasus.id"), nullable=False, index=True),
        sa.Column("mulai", naive, nullable=False),
        sa.Column("selesai", naive),
        sa.Column("alasan", sa.Text, nullable=False),
    )
