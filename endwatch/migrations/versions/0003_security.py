"""Security (issue 12): session key checks, who made and confirmed accounts, staged changes.

Sessions opened before this revision have no key check: they are ended (everyone logs in again).

Revision ID: 0003_security
Revises: 0003_screening
Create Date: 2026-11-29
"""

from alembic import op
import sqlalchemy as sa
import endwatch.db


revision = '0003_security'
down_revision = '0003_screening'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('change_proposals',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('record_kind', sa.String(length=16), nullable=False),
    sa.Column('record_id', sa.Integer(), nullable=False),
    sa.Column('record_ref', sa.String(length=220), nullable=False),
    sa.Column('changes', sa.JSON(), nullable=False),
    sa.Column('source', sa.String(length=200), nullable=False),
    sa.Column('status', sa.Enum('proposed', 'approved', 'rejected', name='actionstatus', native_enum=False, length=16), nullable=False),
    sa.Column('proposed_by_id', sa.Integer(), nullable=False),
    sa.Column('proposed_at', endwatch.db.UTCDateTime(), nullable=False),
    sa.Column('decided_by_id', sa.Integer(), nullable=True),
    sa.Column('decided_at', endwatch.db.UTCDateTime(), nullable=True),
    sa.Column('decision_note', sa.Text(), nullable=False),
    sa.ForeignKeyConstraint(['decided_by_id'], ['users.id'], name=op.f('fk_change_proposals_decided_by_id_users')),
    sa.ForeignKeyConstraint(['proposed_by_id'], ['users.id'], name=op.f('fk_change_proposals_proposed_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_change_proposals'))
    )
    with op.batch_alter_table('change_proposals', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_change_proposals_record_id'), ['record_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_change_proposals_status'), ['status'], unique=False)

    op.execute("DELETE FROM staff_sessions")
    with op.batch_alter_table('staff_sessions', schema=None) as batch_op:
        batch_op.add_column(sa.Column('key_check', sa.String(length=64), nullable=False, server_default=''))
    with op.batch_alter_table('staff_sessions', schema=None) as batch_op:
        batch_op.alter_column('key_check', server_default=None)

    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.add_column(sa.Column('created_by_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('reset_by_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('awaiting_confirmation', sa.Boolean(), nullable=False, server_default=sa.false()))
        batch_op.add_column(sa.Column('confirmed_by_id', sa.Integer(), nullable=True))
        batch_op.create_foreign_key(batch_op.f('fk_users_created_by_id_users'), 'users', ['created_by_id'], ['id'])
        batch_op.create_foreign_key(batch_op.f('fk_users_reset_by_id_users'), 'users', ['reset_by_id'], ['id'])
        batch_op.create_foreign_key(batch_op.f('fk_users_confirmed_by_id_users'), 'users', ['confirmed_by_id'], ['id'])
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.alter_column('awaiting_confirmation', server_default=None)



def downgrade() -> None:
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_users_confirmed_by_id_users'), type_='foreignkey')
        batch_op.drop_constraint(batch_op.f('fk_users_reset_by_id_users'), type_='foreignkey')
        batch_op.drop_constraint(batch_op.f('fk_users_created_by_id_users'), type_='foreignkey')
        batch_op.drop_column('confirmed_by_id')
        batch_op.drop_column('awaiting_confirmation')
        batch_op.drop_column('reset_by_id')
        batch_op.drop_column('created_by_id')

    with op.batch_alter_table('staff_sessions', schema=None) as batch_op:
        batch_op.drop_column('key_check')

    with op.batch_alter_table('change_proposals', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_change_proposals_status'))
        batch_op.drop_index(batch_op.f('ix_change_proposals_record_id'))

    op.drop_table('change_proposals')
