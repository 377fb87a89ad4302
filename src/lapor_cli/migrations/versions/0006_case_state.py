"""History entries commit to their case's state; every case gets its identity salt.

``riwayat.keadaan``: the digest of the case's row after the entry (``case_state``); entries
already written keep null there and their hashes as they are. ``kasus.garam``: each case's
random salt for the digest of its reporter's identity; existing cases get one now (from the
database's own strong random source), so that the first entry they get from now on commits
to a salted digest, never to the identity itself.

Revision ID: 0006
Revises: 0005
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("riwayat") as batch:
        batch.add_column(sa.Column("keadaan", sa.String(80), nullable=True))
    with op.batch_alter_table("kasus") as batch:
        batch.add_column(sa.Column("garam", sa.String(32), nullable=True))
    conn = op.get_bind()
    if conn.dialect.name == "sqlite":
        salt = "lower(hex(randomblob(16)))"
    else:  # PostgreSQL 13+: gen_random_uuid() draws from the server's strong random source
        salt = "replace(CAST(gen_random_uuid() AS text), '-', '')"
    conn.execute(sa.text(f"UPDATE kasus SET garam = {salt}"))


def downgrade() -> None:
    with op.batch_alter_table("kasus") as batch:
        batch.drop_column("garam")
    with op.batch_alter_table("riwayat") as batch:
        batch.drop_column("keadaan")
