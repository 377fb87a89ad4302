"""A year's non-working days from the holidays package, kept so recording a case is fast.

Revision ID: 0003
Revises: 0002
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "kalender_paket",
        sa.Column("tahun", sa.Integer, primary_key=True),
        sa.Column("versi", sa.String(40), nullable=False),
        sa.Column("hari", sa.JSON, nullable=False),
    )
