"""station login codes: a per-station epoch; bumping it revokes the printed login barcode

Revision ID: 010b
Revises: 010c
Create Date: 2026-12-03 18:15:00+00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "010b"
down_revision = "010c"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("stations") as batch:
        batch.add_column(sa.Column("login_epoch", sa.Integer(), server_default="0", nullable=False))


def downgrade() -> None:
    with op.batch_alter_table("stations") as batch:
        batch.drop_column("login_epoch")
