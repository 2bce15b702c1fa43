"""Times (issue 11): staff notices wait in a table for the hourly batch instead of leaving at once.

Revision ID: 0005_times
Revises: 0004_snapshots
Create Date: 2026-11-29
"""

from alembic import op
import sqlalchemy as sa
import endwatch.db


revision = '0005_times'
down_revision = '0004_snapshots'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('staff_notices',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('reference', sa.String(length=16), nullable=False),
    sa.Column('hour', endwatch.db.UTCDateTime(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_staff_notices'))
    )
    with op.batch_alter_table('staff_notices', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_staff_notices_hour'), ['hour'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('staff_notices', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_staff_notices_hour'))
    op.drop_table('staff_notices')
