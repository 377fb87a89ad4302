"""Several desks on one register: the ``meja`` table, and each case's desk.

A register so far had one desk, its number prefix a setting: it becomes desk ``utama`` with
that prefix and the office's name, and every case is that desk's. (Should an old register hold
cases under another prefix, each such prefix becomes a desk of its own, so that no number
changes.) The ``prefiks`` setting is then the desk's and is removed.

Revision ID: 0005
Revises: 0004
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

MAIN = "utama"


def upgrade() -> None:
    desks = op.create_table(
        "meja",
        sa.Column("kode", sa.String(20), primary_key=True),
        sa.Column("nama", sa.String(200), nullable=False),
        sa.Column("prefiks", sa.String(20), nullable=False, unique=True),
    )
    conn = op.get_bind()
    stored = dict(
        conn.execute(
            sa.text("SELECT kunci, nilai FROM pengaturan WHERE kunci IN ('prefiks', 'kantor_nama')")
        ).all()
    )
    prefiks = stored.get("prefiks", "DS")
    rows = [{"kode": MAIN, "nama": stored.get("kantor_nama", "Dinas Sosial"), "prefiks": prefiks}]
    taken = {MAIN}
    others = conn.execute(sa.text("SELECT DISTINCT prefiks FROM kasus ORDER BY prefiks"))
    for (other,) in others:
        if other == prefiks:
            continue
        kode = base = other.lower()[:16]
        while kode in taken:
            kode = f"{base}-{len(taken)}"
        taken.add(kode)
        rows.append({"kode": kode, "nama": f"Meja {other}", "prefiks": other})
    op.bulk_insert(desks, rows)
    with op.batch_alter_table("kasus") as batch:
        batch.add_column(sa.Column("meja", sa.String(20), nullable=False, server_default=MAIN))
        batch.create_foreign_key("fk_kasus_meja", "meja", ["meja"], ["kode"])
        batch.create_index("ix_kasus_meja_diterima", ["meja", "diterima"])
    for row in rows[1:]:
        conn.execute(sa.text("UPDATE kasus SET meja = :kode WHERE prefiks = :prefiks"), row)
    conn.execute(sa.text("DELETE FROM pengaturan WHERE kunci = 'prefiks'"))


def downgrade() -> None:
    conn = op.get_bind()
    prefiks = conn.execute(sa.text("SELECT prefiks FROM meja WHERE kode = :k"), {"k": MAIN})
    conn.execute(
        sa.text("INSERT INTO pengaturan (kunci, nilai) VALUES ('prefiks', :p)"),
        {"p": prefiks.scalar_one()},
    )
    with op.batch_alter_table("kasus") as batch:
        batch.drop_index("ix_kasus_meja_diterima")
        batch.drop_constraint("fk_kasus_meja", type_="foreignkey")
        batch.drop_column("meja")
    op.drop_table("meja")
