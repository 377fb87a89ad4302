"""Attachments: scans, photos and documents kept with their case (``lapor lampiran``).

``lampiran_isi``: each distinct content once, keyed by its SHA-256 (the same file attached
twice, or to two cases, is stored once). ``lampiran``: one row per attachment of a case —
the name it was given, its type as recognised from the content, its size and hash, when and
by whom. The history entry that added it carries the same name, type, size and hash (no
content), so ``periksa`` proves that a stored file was not swapped.

Revision ID: 0011
Revises: 0010
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "lampiran_isi",
        sa.Column("sha256", sa.String(64), primary_key=True),
        sa.Column("ukuran", sa.Integer(), nullable=False),
        sa.Column("isi", sa.LargeBinary(), nullable=False),
    )
    op.create_table(
        "lampiran",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("kasus_id", sa.Integer(), sa.ForeignKey("kasus.id"), nullable=False),
        sa.Column("sha256", sa.String(64), sa.ForeignKey("lampiran_isi.sha256"), nullable=False),
        sa.Column("nama", sa.String(255), nullable=False),
        sa.Column("jenis", sa.String(10), nullable=False),
        sa.Column("ukuran", sa.Integer(), nullable=False),
        sa.Column("keterangan", sa.Text(), nullable=True),
        sa.Column("ditambahkan", sa.DateTime(timezone=False), nullable=False),
        sa.Column("oleh", sa.String(100), nullable=False),
    )
    op.create_index("ix_lampiran_kasus_id", "lampiran", ["kasus_id"])
    op.create_index("ix_lampiran_sha256", "lampiran", ["sha256"])


def downgrade() -> None:
    op.drop_index("ix_lampiran_sha256", table_name="lampiran")
    op.drop_index("ix_lampiran_kasus_id", table_name="lampiran")
    op.drop_table("lampiran")
    op.drop_table("lampiran_isi")
