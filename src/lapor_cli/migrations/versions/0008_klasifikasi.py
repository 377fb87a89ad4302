"""An aduan's LAPOR!-style classification, given at verification.

``kasus.klasifikasi``: ``berkadar-pengawasan`` or ``tidak-berkadar-pengawasan`` (PermenPAN-RB
62/2018), set by ``verifikasi --klasifikasi`` (or corrected by ``ubah``) on an aduan only;
null for every other case and for every case recorded before. A profile may key its rules on
it. The case state digest covers it from version 3 on (``case_state``): existing cases keep
null, so their newest digests still match.

Revision ID: 0008
Revises: 0007
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("kasus") as batch:
        batch.add_column(sa.Column("klasifikasi", sa.String(40), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("kasus") as batch:
        batch.drop_column("klasifikasi")
