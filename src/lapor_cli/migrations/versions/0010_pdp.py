"""Personal data by the book (UU 27/2022): the access log and the erasure log.

``akses``: every opening of an identity that leaves the register's screens masked — a
workbook exported, a subject-access file or screen (``pelapor``) — one row per case whose
identity it held, with who, when, what and the file (``lihat --lengkap`` is in the history
itself). ``penghapusan``: every erasure of an identity (``anonimkan``, ``retensi``), by case
number, so that a restore of an older backup applies it again (the log is kept across the
restore). Neither holds an identity value.

Revision ID: 0010
Revises: 0008
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0010"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "akses",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("waktu", sa.DateTime(timezone=False), nullable=False),
        sa.Column("petugas", sa.String(100), nullable=False),
        sa.Column("jenis", sa.String(20), nullable=False),
        sa.Column("nomor", sa.String(40), nullable=True),
        sa.Column("keterangan", sa.Text(), nullable=True),
    )
    op.create_index("ix_akses_waktu", "akses", ["waktu"])
    op.create_index("ix_akses_nomor", "akses", ["nomor"])
    op.create_table(
        "penghapusan",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("nomor", sa.String(40), nullable=False),
        sa.Column("waktu", sa.DateTime(timezone=False), nullable=False),
        sa.Column("oleh", sa.String(100), nullable=False),
        sa.Column("alasan", sa.Text(), nullable=False),
        sa.Column("kolom", sa.JSON(), nullable=False),
    )
    op.create_index("ix_penghapusan_nomor", "penghapusan", ["nomor"])


def downgrade() -> None:
    op.drop_index("ix_penghapusan_nomor", table_name="penghapusan")
    op.drop_table("penghapusan")
    op.drop_index("ix_akses_nomor", table_name="akses")
    op.drop_index("ix_akses_waktu", table_name="akses")
    op.drop_table("akses")
