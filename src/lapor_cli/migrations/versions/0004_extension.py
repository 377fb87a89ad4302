"""Deadlines: the one extension a rule may grant (UU 14/2008: 7 working days), once given.

Revision ID: 0004
Revises: 0003
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("kasus") as batch:
        batch.add_column(
            sa.Column("diperpanjang", sa.Boolean, nullable=False, server_default=sa.false())
        )


def downgrade() -> None:
    with op.batch_alter_table("kasus") as batch:
        batch.drop_column("diperpanjang")
