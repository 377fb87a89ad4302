"""The first register: cases, their hash-chained history, settings, counters, office days.

Revision ID: 0001
Revises:
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

naive = sa.DateTime(timezone=False)


def upgrade() -> None:
    op.create_table(
        "kasus",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("nomor", sa.String(40), nullable=False, unique=True),
        sa.Column("prefiks", sa.String(20), nullable=False),
        sa.Column("tahun", sa.Integer, nullable=False),
        sa.Column("urut", sa.Integer, nullable=False),
        sa.Column("status", sa.String(20), nullable=False, index=True),
        sa.Column("kanal", sa.String(20), nullable=False, index=True),
        sa.Column("jenis", sa.String(20), nullable=False),
        sa.Column("uraian", sa.Text, nullable=False),
        sa.Column("nama", sa.String(200)),
        sa.Column("nik", sa.String(16), index=True),
        sa.Column("kk", sa.String(16)),
        sa.Column("hp", sa.String(20), index=True),
        sa.Column("email", sa.String(200)),
        sa.Column("alamat", sa.Text),
        sa.Column("anonim", sa.Boolean, nullable=False),
        sa.Column("rahasia", sa.Boolean, nullable=False),
        sa.Column("nomor_lapor", sa.String(60)),
        sa.Column("nomor_formulir", sa.String(60), index=True),
        sa.Column("sidik", sa.String(64), index=True),
        sa.Column("diterima", naive, nullable=False, index=True),
        sa.Column("dicatat", naive, nullable=False),
        sa.Column("petugas", sa.String(100), nullable=False),
        sa.Column("kategori", sa.String(40), index=True),
        sa.Column("kewenangan", sa.Boolean),
        sa.Column("unit", sa.String(200), index=True),
        sa.Column("tembusan", sa.JSON, nullable=False),
        sa.Column("jawaban_normatif", sa.Text),
        sa.Column("didistribusikan", naive),
        sa.Column("tindaklanjut_terakhir", naive),
        sa.Column("ditutup", naive),
        sa.Column("hasil", sa.Text),
        sa.Column("tepat_waktu", sa.Boolean),
        sa.Column("dilaporkan_balik", sa.Boolean),
        sa.Column("skor", sa.Integer),
        sa.Column("komentar", sa.Text),
        sa.Column("sla_profil", sa.String(60), nullable=False),
        sa.Column("sla_satuan", sa.String(12), nullable=False),
        sa.Column("sla_nilai", sa.Integer, nullable=False),
        sa.Column("sla_perpanjangan", sa.Integer, nullable=False),
        sa.UniqueConstraint("prefiks", "tahun", "urut", name="uq_kasus_urut"),
    )
    op.create_table(
        "riwayat",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("kasus_id", sa.Integer, sa.ForeignKey("kasus.id"), nullable=False, index=True),
        sa.Column("waktu", naive, nullable=False),
        sa.Column("oleh", sa.String(100), nullable=False),
        sa.Column("aksi", sa.String(30), nullable=False),
        sa.Column("dari_status", sa.String(20)),
        sa.Column("ke_status", sa.String(20)),
        sa.Column("catatan", sa.Text),
        sa.Column("data", sa.JSON, nullable=False),
        sa.Column("hash_sebelum", sa.String(64), nullable=False),
        sa.Column("hash", sa.String(64), nullable=False),
    )
    op.create_table(
        "pengaturan",
        sa.Column("kunci", sa.String(40), primary_key=True),
        sa.Column("nilai", sa.Text, nullable=False),
    )
    op.create_table(
        "nomor_urut",
        sa.Column("prefiks", sa.String(20), primary_key=True),
        sa.Column("tahun", sa.Integer, primary_key=True),
        sa.Column("terakhir", sa.Integer, nullable=False),
    )
    op.create_table(
        "hari_kantor",
        sa.Column("tanggal", sa.Date, primary_key=True),
        sa.Column("jenis", sa.String(10), nullable=False),
        sa.Column("keterangan", sa.Text, nullable=False),
        sa.Column("sk", sa.String(100)),
        sa.Column("dicatat", naive, nullable=False),
        sa.Column("oleh", sa.String(100), nullable=False),
    )
