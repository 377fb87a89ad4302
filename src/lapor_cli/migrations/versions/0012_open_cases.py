"""An index that answers the open-case scan by itself (``sla``, ``sla --per-unit``).

``sla`` judges every open case on each run; with only the status index, SQLite visits each
open case's row in the table, scattered among the closed ones. This index holds just the open
cases (a partial index: a closed case leaves it) and every column the scan reads, so the scan
reads the index alone, in order of receipt.

Revision ID: 0012
Revises: 0011
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None

#: Kept here as it was when written (a migration never follows the code's later changes).
_OPEN = "status IN ('diterima', 'terverifikasi', 'didisposisikan', 'dijawab', 'ditindaklanjuti')"
_COLUMNS = [
    "status",
    "diterima",
    "id",
    "nomor",
    "meja",
    "didistribusikan",
    "tindaklanjut_terakhir",
    "ditutup",
    "segera",
    "unit",
    "sla_profil",
    "sla_satuan",
    "sla_nilai",
    "sla_perpanjangan",
    "diperpanjang",
    "dibuka",
]


def upgrade() -> None:
    op.create_index(
        "ix_kasus_terbuka",
        "kasus",
        _COLUMNS,
        sqlite_where=sa.text(_OPEN),
        postgresql_where=sa.text(_OPEN),
    )


def downgrade() -> None:
    op.drop_index("ix_kasus_terbuka", table_name="kasus")
