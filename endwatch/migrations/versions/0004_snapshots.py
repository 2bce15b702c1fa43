"""Published transparency reports: one frozen snapshot per closed period (issue 11).

Revision ID: 0004_snapshots
Revises: 0003_security
Create Date: 2026-11-29
"""

from alembic import op
import sqlalchemy as sa
import endwatch.db


revision = '0004_snapshots'
down_revision = '0003_security'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('report_snapshots',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('period', sa.String(length=16), nullable=False),
    sa.Column('published_at', endwatch.db.UTCDateTime(), nullable=False),
    sa.Column('published_by', sa.String(length=320), nullable=False),
    sa.Column('k', sa.Integer(), nullable=False),
    sa.Column('figures', sa.Text(), nullable=False),
    sa.Column('digest', sa.String(length=64), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_report_snapshots')),
    sa.UniqueConstraint('period', name=op.f('uq_report_snapshots_period'))
    )


def downgrade() -> None:
    op.drop_table('report_snapshots')
