"""Mistakes mended, late records told truly: merged duplicates, reopened cases, and when each
history entry was typed in.

``kasus.digabung_ke``: the main case a duplicate was merged into (``gabung``).
``kasus.dibuka``: when a closed case was last reopened (``buka``); its deadline runs from then.
``riwayat.dicatat``: when an entry was typed in, beside ``waktu``, when its step happened
(``--pada``); entries already written keep null there and their hashes as they are.

Revision ID: 0007
Revises: 0006
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("kasus") as batch:
        batch.add_column(sa.Column("digabung_ke", sa.String(40), nullable=True))
        batch.add_column(sa.Column("dibuka", sa.DateTime(timezone=False), nullable=True))
        batch.create_index("ix_kasus_digabung_ke", ["digabung_ke"])
    with op.batch_alter_table("riwayat") as batch:
        batch.add_column(sa.Column("dicatat", sa.DateTime(timezone=False), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("riwayat") as batch:
        batch.drop_column("dicatat")
    with op.batch_alter_table("kasus") as batch:
        batch.drop_index("ix_kasus_digabung_ke")
        batch.drop_column("dibuka")
        batch.drop_column("digabung_ke")
