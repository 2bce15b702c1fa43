"""domains: grievance cases, triage, monitoring, contracts

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-22 13:35:23.202385
"""

from alembic import op
import sqlalchemy as sa
import endwatch.db


revision = '0002'
down_revision = '0001'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('customers',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('aliases', sa.JSON(), nullable=False),
    sa.Column('country', sa.String(length=2), nullable=False),
    sa.Column('kind', sa.Enum('government', 'soe', 'private', 'distributor', 'reseller', name='customerkind', native_enum=False, length=16), nullable=False),
    sa.Column('government_ties', sa.Boolean(), nullable=False),
    sa.Column('notes', sa.Text(), nullable=False),
    sa.Column('created_at', endwatch.db.UTCDateTime(), nullable=False),
    sa.Column('updated_at', endwatch.db.UTCDateTime(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_customers')),
    sa.UniqueConstraint('name', 'country', name='uq_customers_name_country')
    )
    with op.batch_alter_table('customers', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_customers_country'), ['country'], unique=False)

    op.create_table('monitoring_feeds',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('url', sa.String(length=2000), nullable=False),
    sa.Column('credibility', sa.Float(), nullable=False),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('title', sa.String(length=500), nullable=True),
    sa.Column('etag', sa.String(length=500), nullable=True),
    sa.Column('last_modified', sa.String(length=100), nullable=True),
    sa.Column('last_polled_at', endwatch.db.UTCDateTime(), nullable=True),
    sa.Column('last_success_at', endwatch.db.UTCDateTime(), nullable=True),
    sa.Column('last_error', sa.String(length=500), nullable=True),
    sa.Column('last_error_at', endwatch.db.UTCDateTime(), nullable=True),
    sa.Column('consecutive_failures', sa.Integer(), nullable=False),
    sa.Column('next_poll_at', endwatch.db.UTCDateTime(), nullable=True),
    sa.Column('entry_count', sa.Integer(), nullable=False),
    sa.Column('created_at', endwatch.db.UTCDateTime(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_monitoring_feeds')),
    sa.UniqueConstraint('url', name=op.f('uq_monitoring_feeds_url'))
    )
    with op.batch_alter_table('monitoring_feeds', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_monitoring_feeds_next_poll_at'), ['next_poll_at'], unique=False)

    op.create_table('monitoring_stories',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('key', sa.String(length=64), nullable=False),
    sa.Column('title', sa.Text(), nullable=False),
    sa.Column('first_seen_at', endwatch.db.UTCDateTime(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_monitoring_stories')),
    sa.UniqueConstraint('key', name=op.f('uq_monitoring_stories_key'))
    )
    op.create_table('products',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('capabilities', sa.JSON(), nullable=False),
    sa.Column('receives_updates', sa.Boolean(), nullable=False),
    sa.Column('remote_suspension', sa.Boolean(), nullable=False),
    sa.Column('latest_version', sa.String(length=64), nullable=False),
    sa.Column('notes', sa.Text(), nullable=False),
    sa.Column('created_at', endwatch.db.UTCDateTime(), nullable=False),
    sa.Column('updated_at', endwatch.db.UTCDateTime(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_products')),
    sa.UniqueConstraint('name', name=op.f('uq_products_name'))
    )
    op.create_table('cases',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('reference', sa.String(length=16), nullable=False),
    sa.Column('created_at', endwatch.db.UTCDateTime(), nullable=False),
    sa.Column('state', sa.Enum('received', 'assessing', 'addressing', 'concluded', name='casestate', native_enum=False, length=24), nullable=False),
    sa.Column('outcome', sa.Enum('substantiated', 'partly_substantiated', 'unsubstantiated', 'outside_scope', 'duplicate', name='outcome', native_enum=False, length=24), nullable=True),
    sa.Column('outcome_reason_enc', sa.LargeBinary(), nullable=True),
    sa.Column('acknowledged_at', endwatch.db.UTCDateTime(), nullable=True),
    sa.Column('feedback_given_at', endwatch.db.UTCDateTime(), nullable=True),
    sa.Column('concluded_at', endwatch.db.UTCDateTime(), nullable=True),
    sa.Column('severity', sa.Integer(), nullable=True),
    sa.Column('likelihood', sa.Integer(), nullable=True),
    sa.Column('assignee_id', sa.Integer(), nullable=True),
    sa.Column('merged_into_id', sa.Integer(), nullable=True),
    sa.Column('receipt_digest', sa.String(length=64), nullable=False),
    sa.Column('submitter_key', sa.LargeBinary(), nullable=False),
    sa.Column('category', sa.String(length=200), nullable=False),
    sa.Column('country', sa.String(length=2), nullable=False),
    sa.Column('product_id', sa.Integer(), nullable=True),
    sa.Column('product_unknown', sa.Boolean(), nullable=False),
    sa.Column('incident_period', sa.String(length=24), nullable=False),
    sa.Column('language', sa.String(length=8), nullable=False),
    sa.Column('content_enc', sa.LargeBinary(), nullable=False),
    sa.CheckConstraint('likelihood IS NULL OR likelihood BETWEEN 1 AND 4', name=op.f('ck_cases_likelihood_range')),
    sa.CheckConstraint('severity IS NULL OR severity BETWEEN 1 AND 4', name=op.f('ck_cases_severity_range')),
    sa.ForeignKeyConstraint(['assignee_id'], ['users.id'], name=op.f('fk_cases_assignee_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['merged_into_id'], ['cases.id'], name=op.f('fk_cases_merged_into_id_cases'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['product_id'], ['products.id'], name=op.f('fk_cases_product_id_products'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_cases')),
    sa.UniqueConstraint('reference', name=op.f('uq_cases_reference'))
    )
    with op.batch_alter_table('cases', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_cases_assignee_id'), ['assignee_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_cases_country'), ['country'], unique=False)
        batch_op.create_index(batch_op.f('ix_cases_created_at'), ['created_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_cases_product_id'), ['product_id'], unique=False)
        batch_op.create_index('ix_cases_queue_order', ['created_at', 'id'], unique=False)
        batch_op.create_index('ix_cases_queue_state_order', ['state', 'created_at', 'id'], unique=False)
        batch_op.create_index(batch_op.f('ix_cases_receipt_digest'), ['receipt_digest'], unique=True)
        batch_op.create_index(batch_op.f('ix_cases_state'), ['state'], unique=False)

    op.create_table('contracts',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('ref', sa.String(length=64), nullable=False),
    sa.Column('customer_id', sa.Integer(), nullable=False),
    sa.Column('signed_on', sa.Date(), nullable=True),
    sa.Column('end_use_limits', sa.Boolean(), nullable=False),
    sa.Column('human_rights', sa.Boolean(), nullable=False),
    sa.Column('right_to_terminate', sa.Boolean(), nullable=False),
    sa.Column('right_to_deny_updates', sa.Boolean(), nullable=False),
    sa.Column('right_to_suspend', sa.Boolean(), nullable=False),
    sa.Column('audit_rights', sa.Boolean(), nullable=False),
    sa.Column('reexport_ban', sa.Boolean(), nullable=False),
    sa.Column('grievance_notice', sa.Boolean(), nullable=False),
    sa.Column('data_deletion', sa.Boolean(), nullable=False),
    sa.Column('remote_disable', sa.Boolean(), nullable=False),
    sa.Column('notes', sa.Text(), nullable=False),
    sa.Column('created_at', endwatch.db.UTCDateTime(), nullable=False),
    sa.Column('updated_at', endwatch.db.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['customer_id'], ['customers.id'], name=op.f('fk_contracts_customer_id_customers')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_contracts')),
    sa.UniqueConstraint('ref', name=op.f('uq_contracts_ref'))
    )
    with op.batch_alter_table('contracts', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_contracts_customer_id'), ['customer_id'], unique=False)

    op.create_table('customer_red_flags',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('customer_id', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=48), nullable=False),
    sa.Column('source_note', sa.Text(), nullable=False),
    sa.Column('recorded_by', sa.String(length=254), nullable=False),
    sa.Column('recorded_at', endwatch.db.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['customer_id'], ['customers.id'], name=op.f('fk_customer_red_flags_customer_id_customers'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_customer_red_flags')),
    sa.UniqueConstraint('customer_id', 'code', name='uq_customer_red_flags_customer_code')
    )
    with op.batch_alter_table('customer_red_flags', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_customer_red_flags_customer_id'), ['customer_id'], unique=False)

    op.create_table('monitoring_entries',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('key_hash', sa.String(length=64), nullable=False),
    sa.Column('guid', sa.Text(), nullable=True),
    sa.Column('link', sa.Text(), nullable=True),
    sa.Column('title', sa.Text(), nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('published_at', endwatch.db.UTCDateTime(), nullable=True),
    sa.Column('fetched_at', endwatch.db.UTCDateTime(), nullable=False),
    sa.Column('feed_id', sa.Integer(), nullable=False),
    sa.Column('story_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['feed_id'], ['monitoring_feeds.id'], name=op.f('fk_monitoring_entries_feed_id_monitoring_feeds'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['story_id'], ['monitoring_stories.id'], name=op.f('fk_monitoring_entries_story_id_monitoring_stories')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_monitoring_entries')),
    sa.UniqueConstraint('key_hash', name=op.f('uq_monitoring_entries_key_hash'))
    )
    with op.batch_alter_table('monitoring_entries', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_monitoring_entries_feed_id'), ['feed_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_monitoring_entries_fetched_at'), ['fetched_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_monitoring_entries_story_id'), ['story_id'], unique=False)

    op.create_table('reassessments',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('customer_id', sa.Integer(), nullable=False),
    sa.Column('reviewed_on', sa.Date(), nullable=False),
    sa.Column('reviewer', sa.String(length=254), nullable=False),
    sa.Column('tier', sa.String(length=16), nullable=False),
    sa.Column('outcome', sa.String(length=32), nullable=False),
    sa.Column('notes', sa.Text(), nullable=False),
    sa.Column('next_due', sa.Date(), nullable=False),
    sa.Column('created_at', endwatch.db.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['customer_id'], ['customers.id'], name=op.f('fk_reassessments_customer_id_customers'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_reassessments'))
    )
    with op.batch_alter_table('reassessments', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_reassessments_customer_id'), ['customer_id'], unique=False)

    op.create_table('review_reminders',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('customer_id', sa.Integer(), nullable=False),
    sa.Column('due_on', sa.Date(), nullable=False),
    sa.Column('reason', sa.String(length=200), nullable=False),
    sa.Column('sent_at', endwatch.db.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['customer_id'], ['customers.id'], name=op.f('fk_review_reminders_customer_id_customers'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_review_reminders')),
    sa.UniqueConstraint('customer_id', 'due_on', name='uq_review_reminders_customer_due')
    )
    with op.batch_alter_table('review_reminders', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_review_reminders_customer_id'), ['customer_id'], unique=False)

    op.create_table('supply_links',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('end_user_id', sa.Integer(), nullable=False),
    sa.Column('supplier_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['end_user_id'], ['customers.id'], name=op.f('fk_supply_links_end_user_id_customers'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['supplier_id'], ['customers.id'], name=op.f('fk_supply_links_supplier_id_customers'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_supply_links')),
    sa.UniqueConstraint('end_user_id', 'supplier_id', name='uq_supply_links_end_user_supplier')
    )
    with op.batch_alter_table('supply_links', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_supply_links_end_user_id'), ['end_user_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_supply_links_supplier_id'), ['supplier_id'], unique=False)

    op.create_table('case_assignments',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('assignee_id', sa.Integer(), nullable=True),
    sa.Column('assigned_by_id', sa.Integer(), nullable=True),
    sa.Column('assigned_at', endwatch.db.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['assigned_by_id'], ['users.id'], name=op.f('fk_case_assignments_assigned_by_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['assignee_id'], ['users.id'], name=op.f('fk_case_assignments_assignee_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['case_id'], ['cases.id'], name=op.f('fk_case_assignments_case_id_cases'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_case_assignments'))
    )
    with op.batch_alter_table('case_assignments', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_case_assignments_case_id'), ['case_id'], unique=False)

    op.create_table('case_keys',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('holder', sa.String(length=32), nullable=False),
    sa.Column('sealed_key', sa.LargeBinary(), nullable=False),
    sa.Column('created_at', endwatch.db.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['case_id'], ['cases.id'], name=op.f('fk_case_keys_case_id_cases'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_case_keys')),
    sa.UniqueConstraint('case_id', 'holder', name=op.f('uq_case_keys_case_id_holder'))
    )
    with op.batch_alter_table('case_keys', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_case_keys_case_id'), ['case_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_case_keys_holder'), ['holder'], unique=False)

    op.create_table('case_links',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('ref_id', sa.Integer(), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', endwatch.db.UTCDateTime(), nullable=False),
    sa.CheckConstraint("kind IN ('customer', 'deployment', 'contract', 'alert')", name=op.f('ck_case_links_kind')),
    sa.ForeignKeyConstraint(['case_id'], ['cases.id'], name=op.f('fk_case_links_case_id_cases'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_case_links_created_by_id_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_case_links')),
    sa.UniqueConstraint('case_id', 'kind', 'ref_id', name=op.f('uq_case_links_case_id_kind_ref_id'))
    )
    with op.batch_alter_table('case_links', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_case_links_case_id'), ['case_id'], unique=False)
        batch_op.create_index('ix_case_links_kind_ref', ['kind', 'ref_id', 'case_id'], unique=False)

    op.create_table('case_messages',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('created_at', endwatch.db.UTCDateTime(), nullable=False),
    sa.Column('direction', sa.Enum('from_submitter', 'to_submitter', name='direction', native_enum=False, length=24), nullable=False),
    sa.Column('author_id', sa.Integer(), nullable=True),
    sa.Column('body_enc', sa.LargeBinary(), nullable=False),
    sa.ForeignKeyConstraint(['author_id'], ['users.id'], name=op.f('fk_case_messages_author_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['case_id'], ['cases.id'], name=op.f('fk_case_messages_case_id_cases'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_case_messages'))
    )
    with op.batch_alter_table('case_messages', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_case_messages_case_id'), ['case_id'], unique=False)

    op.create_table('case_notes',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('author_id', sa.Integer(), nullable=True),
    sa.Column('created_at', endwatch.db.UTCDateTime(), nullable=False),
    sa.Column('body_enc', sa.LargeBinary(), nullable=False),
    sa.ForeignKeyConstraint(['author_id'], ['users.id'], name=op.f('fk_case_notes_author_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['case_id'], ['cases.id'], name=op.f('fk_case_notes_case_id_cases'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_case_notes'))
    )
    with op.batch_alter_table('case_notes', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_case_notes_case_id'), ['case_id'], unique=False)

    op.create_table('case_recusals',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('recused_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', endwatch.db.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['case_id'], ['cases.id'], name=op.f('fk_case_recusals_case_id_cases'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['recused_by_id'], ['users.id'], name=op.f('fk_case_recusals_recused_by_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_case_recusals_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_case_recusals')),
    sa.UniqueConstraint('case_id', 'user_id', name=op.f('uq_case_recusals_case_id_user_id'))
    )
    with op.batch_alter_table('case_recusals', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_case_recusals_case_id'), ['case_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_case_recusals_user_id'), ['user_id'], unique=False)

    op.create_table('deployments',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('ref', sa.String(length=64), nullable=False),
    sa.Column('customer_id', sa.Integer(), nullable=False),
    sa.Column('product_id', sa.Integer(), nullable=False),
    sa.Column('contract_id', sa.Integer(), nullable=True),
    sa.Column('version', sa.String(length=64), nullable=False),
    sa.Column('max_version', sa.String(length=64), nullable=False),
    sa.Column('licence_start', sa.Date(), nullable=True),
    sa.Column('licence_end', sa.Date(), nullable=True),
    sa.Column('status', sa.Enum('planned', 'active', 'suspended', 'terminated', 'expired', name='deploymentstatus', native_enum=False, length=16), nullable=False),
    sa.Column('updates_denied', sa.Boolean(), nullable=False),
    sa.Column('notes', sa.Text(), nullable=False),
    sa.Column('created_at', endwatch.db.UTCDateTime(), nullable=False),
    sa.Column('updated_at', endwatch.db.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['contract_id'], ['contracts.id'], name=op.f('fk_deployments_contract_id_contracts')),
    sa.ForeignKeyConstraint(['customer_id'], ['customers.id'], name=op.f('fk_deployments_customer_id_customers')),
    sa.ForeignKeyConstraint(['product_id'], ['products.id'], name=op.f('fk_deployments_product_id_products')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_deployments')),
    sa.UniqueConstraint('ref', name=op.f('uq_deployments_ref'))
    )
    with op.batch_alter_table('deployments', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_deployments_contract_id'), ['contract_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_deployments_customer_id'), ['customer_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_deployments_product_id'), ['product_id'], unique=False)

    op.create_table('followup_sessions',
    sa.Column('id', sa.String(length=64), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('vault', sa.LargeBinary(), nullable=False),
    sa.Column('last_seen_at', endwatch.db.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['case_id'], ['cases.id'], name=op.f('fk_followup_sessions_case_id_cases'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_followup_sessions'))
    )
    with op.batch_alter_table('followup_sessions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_followup_sessions_case_id'), ['case_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_followup_sessions_last_seen_at'), ['last_seen_at'], unique=False)

    op.create_table('monitoring_alerts',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('customer_id', sa.Integer(), nullable=False),
    sa.Column('story_id', sa.Integer(), nullable=False),
    sa.Column('entry_id', sa.Integer(), nullable=False),
    sa.Column('score', sa.Float(), nullable=False),
    sa.Column('level', sa.Enum('info', 'warning', 'critical', name='alertlevel', native_enum=False, length=16), nullable=False),
    sa.Column('matched', sa.String(length=500), nullable=False),
    sa.Column('snippet', sa.Text(), nullable=False),
    sa.Column('reasons_json', sa.Text(), nullable=False),
    sa.Column('status', sa.Enum('new', 'acknowledged', 'dismissed', 'escalated', name='alertstatus', native_enum=False, length=16), nullable=False),
    sa.Column('created_at', endwatch.db.UTCDateTime(), nullable=False),
    sa.Column('decided_at', endwatch.db.UTCDateTime(), nullable=True),
    sa.Column('decided_by', sa.String(length=254), nullable=True),
    sa.Column('decision_note', sa.String(length=1000), nullable=True),
    sa.Column('case_ref', sa.String(length=100), nullable=True),
    sa.Column('notified_at', endwatch.db.UTCDateTime(), nullable=True),
    sa.ForeignKeyConstraint(['customer_id'], ['customers.id'], name=op.f('fk_monitoring_alerts_customer_id_customers'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['entry_id'], ['monitoring_entries.id'], name=op.f('fk_monitoring_alerts_entry_id_monitoring_entries'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['story_id'], ['monitoring_stories.id'], name=op.f('fk_monitoring_alerts_story_id_monitoring_stories')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_monitoring_alerts')),
    sa.UniqueConstraint('customer_id', 'story_id', name=op.f('uq_monitoring_alerts_customer_id_story_id'))
    )
    with op.batch_alter_table('monitoring_alerts', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_monitoring_alerts_customer_id'), ['customer_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_monitoring_alerts_entry_id'), ['entry_id'], unique=False)
        batch_op.create_index('ix_monitoring_alerts_status_level', ['status', 'level'], unique=False)

    op.create_table('attachments',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('message_id', sa.Integer(), nullable=True),
    sa.Column('created_at', endwatch.db.UTCDateTime(), nullable=False),
    sa.Column('stored_name', sa.String(length=64), nullable=False),
    sa.Column('size', sa.Integer(), nullable=False),
    sa.Column('media_type', sa.String(length=100), nullable=False),
    sa.Column('filename_enc', sa.LargeBinary(), nullable=False),
    sa.Column('metadata_removed', sa.Boolean(), nullable=False),
    sa.ForeignKeyConstraint(['case_id'], ['cases.id'], name=op.f('fk_attachments_case_id_cases'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['message_id'], ['case_messages.id'], name=op.f('fk_attachments_message_id_case_messages'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_attachments')),
    sa.UniqueConstraint('stored_name', name=op.f('uq_attachments_stored_name'))
    )
    with op.batch_alter_table('attachments', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_attachments_case_id'), ['case_id'], unique=False)

    op.create_table('deployment_tokens',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('deployment_id', sa.Integer(), nullable=False),
    sa.Column('token_hash', sa.String(length=64), nullable=False),
    sa.Column('created_at', endwatch.db.UTCDateTime(), nullable=False),
    sa.Column('revoked_at', endwatch.db.UTCDateTime(), nullable=True),
    sa.ForeignKeyConstraint(['deployment_id'], ['deployments.id'], name=op.f('fk_deployment_tokens_deployment_id_deployments'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_deployment_tokens')),
    sa.UniqueConstraint('token_hash', name=op.f('uq_deployment_tokens_token_hash'))
    )
    with op.batch_alter_table('deployment_tokens', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_deployment_tokens_deployment_id'), ['deployment_id'], unique=False)

    op.create_table('enforcement_actions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('deployment_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.Enum('deny_updates', 'suspend', 'terminate', 'reinstate', name='actionkind', native_enum=False, length=16), nullable=False),
    sa.Column('status', sa.Enum('proposed', 'approved', 'rejected', name='actionstatus', native_enum=False, length=16), nullable=False),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('proposed_by_id', sa.Integer(), nullable=False),
    sa.Column('proposed_at', endwatch.db.UTCDateTime(), nullable=False),
    sa.Column('decided_by_id', sa.Integer(), nullable=True),
    sa.Column('decided_at', endwatch.db.UTCDateTime(), nullable=True),
    sa.Column('decision_note', sa.Text(), nullable=False),
    sa.ForeignKeyConstraint(['decided_by_id'], ['users.id'], name=op.f('fk_enforcement_actions_decided_by_id_users')),
    sa.ForeignKeyConstraint(['deployment_id'], ['deployments.id'], name=op.f('fk_enforcement_actions_deployment_id_deployments')),
    sa.ForeignKeyConstraint(['proposed_by_id'], ['users.id'], name=op.f('fk_enforcement_actions_proposed_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_enforcement_actions'))
    )
    with op.batch_alter_table('enforcement_actions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_enforcement_actions_deployment_id'), ['deployment_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_enforcement_actions_status'), ['status'], unique=False)

    op.create_table('monitoring_suppressions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('customer_id', sa.Integer(), nullable=False),
    sa.Column('phrase', sa.String(length=500), nullable=True),
    sa.Column('feed_id', sa.Integer(), nullable=True),
    sa.Column('created_by', sa.String(length=254), nullable=False),
    sa.Column('created_at', endwatch.db.UTCDateTime(), nullable=False),
    sa.Column('source_alert_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['customer_id'], ['customers.id'], name=op.f('fk_monitoring_suppressions_customer_id_customers'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['feed_id'], ['monitoring_feeds.id'], name=op.f('fk_monitoring_suppressions_feed_id_monitoring_feeds'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['source_alert_id'], ['monitoring_alerts.id'], name=op.f('fk_monitoring_suppressions_source_alert_id_monitoring_alerts'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_monitoring_suppressions'))
    )
    with op.batch_alter_table('monitoring_suppressions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_monitoring_suppressions_customer_id'), ['customer_id'], unique=False)

    op.create_table('action_evidence',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('action_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('ref_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['action_id'], ['enforcement_actions.id'], name=op.f('fk_action_evidence_action_id_enforcement_actions'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_action_evidence')),
    sa.UniqueConstraint('action_id', 'kind', 'ref_id', name='uq_action_evidence_ref')
    )
    with op.batch_alter_table('action_evidence', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_action_evidence_action_id'), ['action_id'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('action_evidence', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_action_evidence_action_id'))

    op.drop_table('action_evidence')
    with op.batch_alter_table('monitoring_suppressions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_monitoring_suppressions_customer_id'))

    op.drop_table('monitoring_suppressions')
    with op.batch_alter_table('enforcement_actions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_enforcement_actions_status'))
        batch_op.drop_index(batch_op.f('ix_enforcement_actions_deployment_id'))

    op.drop_table('enforcement_actions')
    with op.batch_alter_table('deployment_tokens', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_deployment_tokens_deployment_id'))

    op.drop_table('deployment_tokens')
    with op.batch_alter_table('attachments', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_attachments_case_id'))

    op.drop_table('attachments')
    with op.batch_alter_table('monitoring_alerts', schema=None) as batch_op:
        batch_op.drop_index('ix_monitoring_alerts_status_level')
        batch_op.drop_index(batch_op.f('ix_monitoring_alerts_entry_id'))
        batch_op.drop_index(batch_op.f('ix_monitoring_alerts_customer_id'))

    op.drop_table('monitoring_alerts')
    with op.batch_alter_table('followup_sessions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_followup_sessions_last_seen_at'))
        batch_op.drop_index(batch_op.f('ix_followup_sessions_case_id'))

    op.drop_table('followup_sessions')
    with op.batch_alter_table('deployments', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_deployments_product_id'))
        batch_op.drop_index(batch_op.f('ix_deployments_customer_id'))
        batch_op.drop_index(batch_op.f('ix_deployments_contract_id'))

    op.drop_table('deployments')
    with op.batch_alter_table('case_recusals', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_case_recusals_user_id'))
        batch_op.drop_index(batch_op.f('ix_case_recusals_case_id'))

    op.drop_table('case_recusals')
    with op.batch_alter_table('case_notes', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_case_notes_case_id'))

    op.drop_table('case_notes')
    with op.batch_alter_table('case_messages', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_case_messages_case_id'))

    op.drop_table('case_messages')
    with op.batch_alter_table('case_links', schema=None) as batch_op:
        batch_op.drop_index('ix_case_links_kind_ref')
        batch_op.drop_index(batch_op.f('ix_case_links_case_id'))

    op.drop_table('case_links')
    with op.batch_alter_table('case_keys', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_case_keys_holder'))
        batch_op.drop_index(batch_op.f('ix_case_keys_case_id'))

    op.drop_table('case_keys')
    with op.batch_alter_table('case_assignments', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_case_assignments_case_id'))

    op.drop_table('case_assignments')
    with op.batch_alter_table('supply_links', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_supply_links_supplier_id'))
        batch_op.drop_index(batch_op.f('ix_supply_links_end_user_id'))

    op.drop_table('supply_links')
    with op.batch_alter_table('review_reminders', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_review_reminders_customer_id'))

    op.drop_table('review_reminders')
    with op.batch_alter_table('reassessments', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_reassessments_customer_id'))

    op.drop_table('reassessments')
    with op.batch_alter_table('monitoring_entries', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_monitoring_entries_story_id'))
        batch_op.drop_index(batch_op.f('ix_monitoring_entries_fetched_at'))
        batch_op.drop_index(batch_op.f('ix_monitoring_entries_feed_id'))

    op.drop_table('monitoring_entries')
    with op.batch_alter_table('customer_red_flags', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_customer_red_flags_customer_id'))

    op.drop_table('customer_red_flags')
    with op.batch_alter_table('contracts', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_contracts_customer_id'))

    op.drop_table('contracts')
    with op.batch_alter_table('cases', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_cases_state'))
        batch_op.drop_index(batch_op.f('ix_cases_receipt_digest'))
        batch_op.drop_index('ix_cases_queue_state_order')
        batch_op.drop_index('ix_cases_queue_order')
        batch_op.drop_index(batch_op.f('ix_cases_product_id'))
        batch_op.drop_index(batch_op.f('ix_cases_created_at'))
        batch_op.drop_index(batch_op.f('ix_cases_country'))
        batch_op.drop_index(batch_op.f('ix_cases_assignee_id'))

    op.drop_table('cases')
    op.drop_table('products')
    op.drop_table('monitoring_stories')
    with op.batch_alter_table('monitoring_feeds', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_monitoring_feeds_next_poll_at'))

    op.drop_table('monitoring_feeds')
    with op.batch_alter_table('customers', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_customers_country'))

    op.drop_table('customers')
