"""shell: staff accounts, sessions, audit chain, organisation keys

Revision ID: 0001
Revises: 
Create Date: 2026-11-22 13:06:42.950096
"""

from alembic import op
import sqlalchemy as sa
import endwatch.db


revision = '0001'
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('audit_head',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('last_seq', sa.Integer(), nullable=False),
    sa.Column('last_hash', sa.String(length=64), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_audit_head'))
    )
    op.execute("INSERT INTO audit_head (id, last_seq, last_hash) VALUES (1, 0, '%s')" % ('0' * 64))
    op.create_table('audit_records',
    sa.Column('seq', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('at', endwatch.db.UTCDateTime(), nullable=False),
    sa.Column('actor', sa.String(length=254), nullable=False),
    sa.Column('action', sa.String(length=64), nullable=False),
    sa.Column('target', sa.String(length=128), nullable=False),
    sa.Column('details', sa.Text(), nullable=False),
    sa.Column('prev_hash', sa.String(length=64), nullable=False),
    sa.Column('hash', sa.String(length=64), nullable=False),
    sa.PrimaryKeyConstraint('seq', name=op.f('pk_audit_records')),
    sa.UniqueConstraint('hash', name=op.f('uq_audit_records_hash')),
    sa.UniqueConstraint('prev_hash', name=op.f('uq_audit_records_prev_hash'))
    )
    with op.batch_alter_table('audit_records', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_audit_records_action'), ['action'], unique=False)
        batch_op.create_index('ix_audit_records_target', ['target'], unique=False)

    op.create_table('org_keys',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('purpose', sa.String(length=32), nullable=False),
    sa.Column('key_id', sa.String(length=32), nullable=False),
    sa.Column('public_key', sa.LargeBinary(length=32), nullable=False),
    sa.Column('created_at', endwatch.db.UTCDateTime(), nullable=False),
    sa.Column('retired_at', endwatch.db.UTCDateTime(), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_org_keys')),
    sa.UniqueConstraint('key_id', name=op.f('uq_org_keys_key_id'))
    )
    with op.batch_alter_table('org_keys', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_org_keys_purpose'), ['purpose'], unique=False)

    op.create_table('users',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('email', sa.String(length=254), nullable=False),
    sa.Column('role', sa.Enum('admin', 'triager', 'auditor', name='role', native_enum=False, length=16), nullable=False),
    sa.Column('password_hash', sa.String(length=255), nullable=False),
    sa.Column('must_change_password', sa.Boolean(), nullable=False),
    sa.Column('public_key', sa.LargeBinary(length=32), nullable=False),
    sa.Column('vault', sa.LargeBinary(), nullable=False),
    sa.Column('key_wrap', sa.LargeBinary(), nullable=False),
    sa.Column('totp_enrolled', sa.Boolean(), nullable=False),
    sa.Column('last_totp_step', sa.Integer(), nullable=False),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('created_at', endwatch.db.UTCDateTime(), nullable=False),
    sa.Column('last_login_at', endwatch.db.UTCDateTime(), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_users')),
    sa.UniqueConstraint('email', name=op.f('uq_users_email'))
    )
    op.create_table('staff_sessions',
    sa.Column('id', sa.String(length=64), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('vault', sa.LargeBinary(), nullable=False),
    sa.Column('created_at', endwatch.db.UTCDateTime(), nullable=False),
    sa.Column('last_seen_at', endwatch.db.UTCDateTime(), nullable=False),
    sa.Column('stage', sa.String(length=16), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_staff_sessions_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_staff_sessions'))
    )
    with op.batch_alter_table('staff_sessions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_staff_sessions_user_id'), ['user_id'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('staff_sessions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_staff_sessions_user_id'))

    op.drop_table('staff_sessions')
    op.drop_table('users')
    with op.batch_alter_table('org_keys', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_org_keys_purpose'))

    op.drop_table('org_keys')
    with op.batch_alter_table('audit_records', schema=None) as batch_op:
        batch_op.drop_index('ix_audit_records_target')
        batch_op.drop_index(batch_op.f('ix_audit_records_action'))

    op.drop_table('audit_records')
    op.drop_table('audit_head')
