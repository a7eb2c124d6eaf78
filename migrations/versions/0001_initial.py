"""initial

Revision ID: 0001
Revises: 
Create Date: 2026-12-02 18:40:40.023072

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0001'
down_revision = None
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('api_rate_counters',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('caller', sa.String(length=40), nullable=False),
    sa.Column('window_start', sa.Integer(), nullable=False),
    sa.Column('count', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_api_rate_counters')),
    sa.UniqueConstraint('caller', 'window_start', name=op.f('uq_api_rate_counters_caller'))
    )
    with op.batch_alter_table('api_rate_counters', schema=None) as batch_op:
        batch_op.create_index('ix_api_rate_counters_window', ['window_start'], unique=False)

    op.create_table('brands',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('slug', sa.String(length=40), nullable=False),
    sa.Column('name', sa.String(length=120), nullable=False),
    sa.Column('colour', sa.String(length=7), nullable=False),
    sa.Column('logo_url', sa.String(length=300), nullable=True),
    sa.Column('host_mapping', sa.String(length=253), nullable=True),
    sa.Column('settings', sa.JSON(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_brands')),
    sa.UniqueConstraint('host_mapping', name=op.f('uq_brands_host_mapping')),
    sa.UniqueConstraint('slug', name=op.f('uq_brands_slug'))
    )
    op.create_table('search_outbox',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_search_outbox'))
    )
    with op.batch_alter_table('search_outbox', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_search_outbox_user_id'), ['user_id'], unique=False)

    op.create_table('signin_failures',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('email', sa.String(length=254), nullable=False),
    sa.Column('ip_address', sa.String(length=64), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_signin_failures'))
    )
    with op.batch_alter_table('signin_failures', schema=None) as batch_op:
        batch_op.create_index('ix_signin_failures_email_at', ['email', 'created_at'], unique=False)
        batch_op.create_index('ix_signin_failures_ip_at', ['ip_address', 'created_at'], unique=False)

    op.create_table('users',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('email', sa.String(length=254), nullable=False),
    sa.Column('username', sa.String(length=80), nullable=False),
    sa.Column('name', sa.String(length=120), nullable=False),
    sa.Column('phone', sa.String(length=40), nullable=True),
    sa.Column('address', sa.String(length=300), nullable=True),
    sa.Column('locale', sa.String(length=5), nullable=True),
    sa.Column('password_hash', sa.String(length=255), nullable=True),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('last_seen_at', sa.DateTime(), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_users')),
    sa.UniqueConstraint('email', name=op.f('uq_users_email')),
    sa.UniqueConstraint('username', name=op.f('uq_users_username'))
    )
    op.create_table('agent_preferences',
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('play_sound', sa.Boolean(), nullable=False),
    sa.Column('pop_up', sa.Boolean(), nullable=False),
    sa.Column('mail_new_in_group', sa.Boolean(), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_agent_preferences_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('user_id', name=op.f('pk_agent_preferences'))
    )
    op.create_table('api_tokens',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=80), nullable=False),
    sa.Column('token_hash', sa.String(length=64), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('last_used_at', sa.DateTime(), nullable=True),
    sa.Column('revoked_at', sa.DateTime(), nullable=True),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_api_tokens_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_api_tokens')),
    sa.UniqueConstraint('token_hash', name=op.f('uq_api_tokens_token_hash'))
    )
    with op.batch_alter_table('api_tokens', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_api_tokens_user_id'), ['user_id'], unique=False)

    op.create_table('assist_interactions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('brand_id', sa.Integer(), nullable=False),
    sa.Column('agent_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('channel', sa.String(length=20), nullable=False),
    sa.Column('service', sa.String(length=120), nullable=False),
    sa.Column('manual', sa.Boolean(), nullable=False),
    sa.Column('started_at', sa.DateTime(), nullable=False),
    sa.Column('last_activity_at', sa.DateTime(), nullable=False),
    sa.Column('paused_at', sa.DateTime(), nullable=True),
    sa.Column('paused_seconds', sa.Integer(), nullable=False),
    sa.Column('ended_at', sa.DateTime(), nullable=True),
    sa.Column('end_reason', sa.String(length=20), nullable=True),
    sa.Column('seconds_spent', sa.Integer(), nullable=False),
    sa.Column('outcome', sa.String(length=20), nullable=True),
    sa.Column('note', sa.Text(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['agent_id'], ['users.id'], name=op.f('fk_assist_interactions_agent_id_users'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['brand_id'], ['brands.id'], name=op.f('fk_assist_interactions_brand_id_brands'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_assist_interactions_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_assist_interactions'))
    )
    with op.batch_alter_table('assist_interactions', schema=None) as batch_op:
        batch_op.create_index('ix_assist_interactions_agent_ended', ['agent_id', 'ended_at'], unique=False)
        batch_op.create_index('ix_assist_interactions_brand_started', ['brand_id', 'started_at'], unique=False)
        batch_op.create_index('ix_assist_interactions_brand_user', ['brand_id', 'user_id'], unique=False)

    op.create_table('audit_events',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('actor_id', sa.Integer(), nullable=True),
    sa.Column('on_behalf_of_id', sa.Integer(), nullable=True),
    sa.Column('brand_id', sa.Integer(), nullable=True),
    sa.Column('action', sa.String(length=80), nullable=False),
    sa.Column('object_type', sa.String(length=40), nullable=True),
    sa.Column('object_id', sa.Integer(), nullable=True),
    sa.Column('data', sa.JSON(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['actor_id'], ['users.id'], name=op.f('fk_audit_events_actor_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['brand_id'], ['brands.id'], name=op.f('fk_audit_events_brand_id_brands'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['on_behalf_of_id'], ['users.id'], name=op.f('fk_audit_events_on_behalf_of_id_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_audit_events'))
    )
    with op.batch_alter_table('audit_events', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_audit_events_actor_id'), ['actor_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_audit_events_brand_id'), ['brand_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_audit_events_created_at'), ['created_at'], unique=False)

    op.create_table('groups',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('brand_id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=120), nullable=False),
    sa.Column('sensitive', sa.Boolean(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['brand_id'], ['brands.id'], name=op.f('fk_groups_brand_id_brands'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_groups')),
    sa.UniqueConstraint('brand_id', 'name', name=op.f('uq_groups_brand_id'))
    )
    with op.batch_alter_table('groups', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_groups_brand_id'), ['brand_id'], unique=False)

    op.create_table('invitations',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('brand_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('email', sa.String(length=254), nullable=False),
    sa.Column('role', sa.String(length=20), nullable=False),
    sa.Column('can_assist', sa.Boolean(), nullable=False),
    sa.Column('can_register_users', sa.Boolean(), nullable=False),
    sa.Column('invited_by_id', sa.Integer(), nullable=True),
    sa.Column('typed_name', sa.String(length=120), nullable=True),
    sa.Column('typed_phone', sa.String(length=40), nullable=True),
    sa.Column('typed_address', sa.String(length=300), nullable=True),
    sa.Column('token_hash', sa.String(length=64), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('expires_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['brand_id'], ['brands.id'], name=op.f('fk_invitations_brand_id_brands'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['invited_by_id'], ['users.id'], name=op.f('fk_invitations_invited_by_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_invitations_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_invitations')),
    sa.UniqueConstraint('brand_id', 'user_id', name=op.f('uq_invitations_brand_id')),
    sa.UniqueConstraint('token_hash', name=op.f('uq_invitations_token_hash'))
    )
    with op.batch_alter_table('invitations', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_invitations_brand_id'), ['brand_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_invitations_user_id'), ['user_id'], unique=False)

    op.create_table('known_addresses',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('ip_address', sa.String(length=64), nullable=False),
    sa.Column('last_signed_in_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_known_addresses_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_known_addresses')),
    sa.UniqueConstraint('user_id', 'ip_address', name='uq_known_addresses_user_ip')
    )
    op.create_table('mail_outbox',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('brand_id', sa.Integer(), nullable=True),
    sa.Column('to_email', sa.String(length=254), nullable=False),
    sa.Column('subject', sa.String(length=255), nullable=False),
    sa.Column('body', sa.Text(), nullable=True),
    sa.Column('html', sa.Text(), nullable=True),
    sa.Column('content', sa.JSON(), nullable=True),
    sa.Column('kind', sa.String(length=40), nullable=False),
    sa.Column('language', sa.String(length=5), nullable=True),
    sa.Column('message_id', sa.String(length=255), nullable=False),
    sa.Column('in_reply_to', sa.String(length=255), nullable=True),
    sa.Column('references_header', sa.Text(), nullable=True),
    sa.Column('reply_to', sa.String(length=320), nullable=True),
    sa.Column('state', sa.String(length=10), nullable=False),
    sa.Column('attempts', sa.Integer(), nullable=False),
    sa.Column('next_attempt_at', sa.DateTime(), nullable=False),
    sa.Column('lease_until', sa.DateTime(), nullable=True),
    sa.Column('lease_owner', sa.String(length=32), nullable=True),
    sa.Column('last_error', sa.String(length=200), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('sent_at', sa.DateTime(), nullable=True),
    sa.ForeignKeyConstraint(['brand_id'], ['brands.id'], name=op.f('fk_mail_outbox_brand_id_brands'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_mail_outbox'))
    )
    with op.batch_alter_table('mail_outbox', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_mail_outbox_brand_id'), ['brand_id'], unique=False)
        batch_op.create_index('ix_mail_outbox_due', ['state', 'next_attempt_at'], unique=False)
        batch_op.create_index('ix_mail_outbox_lease', ['state', 'lease_until'], unique=False)
        batch_op.create_index('ix_mail_outbox_message_id', ['message_id'], unique=False)

    op.create_table('memberships',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('brand_id', sa.Integer(), nullable=False),
    sa.Column('role', sa.String(length=20), nullable=False),
    sa.Column('can_assist', sa.Boolean(), nullable=False),
    sa.Column('can_register_users', sa.Boolean(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['brand_id'], ['brands.id'], name=op.f('fk_memberships_brand_id_brands'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_memberships_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_memberships')),
    sa.UniqueConstraint('user_id', 'brand_id', name=op.f('uq_memberships_user_id'))
    )
    with op.batch_alter_table('memberships', schema=None) as batch_op:
        batch_op.create_index('ix_memberships_brand_role', ['brand_id', 'role'], unique=False)
        batch_op.create_index(batch_op.f('ix_memberships_user_id'), ['user_id'], unique=False)

    op.create_table('password_reset_tokens',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('token_hash', sa.String(length=64), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('expires_at', sa.DateTime(), nullable=False),
    sa.Column('used_at', sa.DateTime(), nullable=True),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_password_reset_tokens_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_password_reset_tokens')),
    sa.UniqueConstraint('token_hash', name=op.f('uq_password_reset_tokens_token_hash'))
    )
    with op.batch_alter_table('password_reset_tokens', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_password_reset_tokens_user_id'), ['user_id'], unique=False)

    op.create_table('ticket_fields',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('brand_id', sa.Integer(), nullable=False),
    sa.Column('title', sa.String(length=120), nullable=False),
    sa.Column('field_type', sa.String(length=20), nullable=False),
    sa.Column('options', sa.JSON(), nullable=False),
    sa.Column('portal_access', sa.String(length=20), nullable=False),
    sa.Column('required_in_portal', sa.Boolean(), nullable=False),
    sa.Column('required_to_solve', sa.Boolean(), nullable=False),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.ForeignKeyConstraint(['brand_id'], ['brands.id'], name=op.f('fk_ticket_fields_brand_id_brands'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_ticket_fields'))
    )
    with op.batch_alter_table('ticket_fields', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_ticket_fields_brand_id'), ['brand_id'], unique=False)

    op.create_table('user_sessions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('key', sa.String(length=64), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('last_seen_at', sa.DateTime(), nullable=False),
    sa.Column('user_agent', sa.String(length=300), nullable=True),
    sa.Column('ip_address', sa.String(length=64), nullable=True),
    sa.Column('assist_interaction_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_user_sessions_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_user_sessions')),
    sa.UniqueConstraint('key', name=op.f('uq_user_sessions_key'))
    )
    with op.batch_alter_table('user_sessions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_user_sessions_user_id'), ['user_id'], unique=False)

    op.create_table('group_members',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('group_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('is_supervisor', sa.Boolean(), nullable=False),
    sa.ForeignKeyConstraint(['group_id'], ['groups.id'], name=op.f('fk_group_members_group_id_groups'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_group_members_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_group_members')),
    sa.UniqueConstraint('group_id', 'user_id', name=op.f('uq_group_members_group_id'))
    )
    with op.batch_alter_table('group_members', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_group_members_group_id'), ['group_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_group_members_user_id'), ['user_id'], unique=False)

    op.create_table('ticket_forms',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('brand_id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=120), nullable=False),
    sa.Column('end_user_visible', sa.Boolean(), nullable=False),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('default_group_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['brand_id'], ['brands.id'], name=op.f('fk_ticket_forms_brand_id_brands'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['default_group_id'], ['groups.id'], name=op.f('fk_ticket_forms_default_group_id_groups'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_ticket_forms'))
    )
    with op.batch_alter_table('ticket_forms', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_ticket_forms_brand_id'), ['brand_id'], unique=False)

    op.create_table('drafts',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('brand_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('form_id', sa.Integer(), nullable=False),
    sa.Column('subject', sa.String(length=255), nullable=False),
    sa.Column('data', sa.JSON(), nullable=False),
    sa.Column('assisted_by_id', sa.Integer(), nullable=True),
    sa.Column('channel', sa.String(length=20), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['assisted_by_id'], ['users.id'], name=op.f('fk_drafts_assisted_by_id_users')),
    sa.ForeignKeyConstraint(['brand_id'], ['brands.id'], name=op.f('fk_drafts_brand_id_brands'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['form_id'], ['ticket_forms.id'], name=op.f('fk_drafts_form_id_ticket_forms'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_drafts_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_drafts'))
    )
    with op.batch_alter_table('drafts', schema=None) as batch_op:
        batch_op.create_index('ix_drafts_brand_user', ['brand_id', 'user_id'], unique=False)

    op.create_table('field_conditions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('form_id', sa.Integer(), nullable=False),
    sa.Column('parent_field_id', sa.Integer(), nullable=False),
    sa.Column('parent_value', sa.String(length=200), nullable=False),
    sa.Column('child_field_id', sa.Integer(), nullable=False),
    sa.Column('audience', sa.String(length=20), nullable=False),
    sa.ForeignKeyConstraint(['child_field_id'], ['ticket_fields.id'], name=op.f('fk_field_conditions_child_field_id_ticket_fields'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['form_id'], ['ticket_forms.id'], name=op.f('fk_field_conditions_form_id_ticket_forms'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['parent_field_id'], ['ticket_fields.id'], name=op.f('fk_field_conditions_parent_field_id_ticket_fields'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_field_conditions'))
    )
    with op.batch_alter_table('field_conditions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_field_conditions_form_id'), ['form_id'], unique=False)

    op.create_table('form_fields',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('form_id', sa.Integer(), nullable=False),
    sa.Column('field_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['field_id'], ['ticket_fields.id'], name=op.f('fk_form_fields_field_id_ticket_fields'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['form_id'], ['ticket_forms.id'], name=op.f('fk_form_fields_form_id_ticket_forms'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_form_fields')),
    sa.UniqueConstraint('form_id', 'field_id', name=op.f('uq_form_fields_form_id'))
    )
    with op.batch_alter_table('form_fields', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_form_fields_form_id'), ['form_id'], unique=False)

    op.create_table('tickets',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('brand_id', sa.Integer(), nullable=False),
    sa.Column('form_id', sa.Integer(), nullable=True),
    sa.Column('subject', sa.String(length=255), nullable=False),
    sa.Column('priority', sa.String(length=10), nullable=False),
    sa.Column('type', sa.String(length=10), nullable=False),
    sa.Column('status', sa.String(length=10), nullable=False),
    sa.Column('requester_id', sa.Integer(), nullable=False),
    sa.Column('submitter_id', sa.Integer(), nullable=False),
    sa.Column('assisted_by_id', sa.Integer(), nullable=True),
    sa.Column('group_id', sa.Integer(), nullable=True),
    sa.Column('assignee_id', sa.Integer(), nullable=True),
    sa.Column('channel', sa.String(length=20), nullable=False),
    sa.Column('followup_source_id', sa.Integer(), nullable=True),
    sa.Column('is_public', sa.Boolean(), nullable=False),
    sa.Column('rating', sa.String(length=10), nullable=True),
    sa.Column('rating_comment', sa.Text(), nullable=True),
    sa.Column('rated_at', sa.DateTime(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.Column('solved_at', sa.DateTime(), nullable=True),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('reply_token', sa.String(length=32), nullable=True),
    sa.ForeignKeyConstraint(['assignee_id'], ['users.id'], name=op.f('fk_tickets_assignee_id_users')),
    sa.ForeignKeyConstraint(['assisted_by_id'], ['users.id'], name=op.f('fk_tickets_assisted_by_id_users')),
    sa.ForeignKeyConstraint(['brand_id'], ['brands.id'], name=op.f('fk_tickets_brand_id_brands'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['followup_source_id'], ['tickets.id'], name=op.f('fk_tickets_followup_source_id_tickets')),
    sa.ForeignKeyConstraint(['form_id'], ['ticket_forms.id'], name=op.f('fk_tickets_form_id_ticket_forms'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['group_id'], ['groups.id'], name=op.f('fk_tickets_group_id_groups'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['requester_id'], ['users.id'], name=op.f('fk_tickets_requester_id_users')),
    sa.ForeignKeyConstraint(['submitter_id'], ['users.id'], name=op.f('fk_tickets_submitter_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_tickets')),
    sa.UniqueConstraint('reply_token', name=op.f('uq_tickets_reply_token'))
    )
    with op.batch_alter_table('tickets', schema=None) as batch_op:
        batch_op.create_index('ix_tickets_brand_assignee_updated', ['brand_id', 'assignee_id', 'updated_at', 'status', 'group_id'], unique=False)
        batch_op.create_index('ix_tickets_brand_created_status', ['brand_id', 'created_at', 'status'], unique=False)
        batch_op.create_index('ix_tickets_brand_priority_updated', ['brand_id', 'priority', 'updated_at', 'status'], unique=False)
        batch_op.create_index('ix_tickets_brand_requester_updated', ['brand_id', 'requester_id', 'updated_at'], unique=False)
        batch_op.create_index('ix_tickets_brand_status_solved', ['brand_id', 'status', 'solved_at', 'updated_at'], unique=False)
        batch_op.create_index('ix_tickets_brand_status_updated', ['brand_id', 'status', 'updated_at'], unique=False)
        batch_op.create_index('ix_tickets_brand_updated_status', ['brand_id', 'updated_at', 'status'], unique=False)

    op.create_table('assistance_requests',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('brand_id', sa.Integer(), nullable=False),
    sa.Column('ticket_id', sa.Integer(), nullable=False),
    sa.Column('group_id', sa.Integer(), nullable=True),
    sa.Column('agent_id', sa.Integer(), nullable=False),
    sa.Column('supervisor_id', sa.Integer(), nullable=True),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('status', sa.String(length=12), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('expires_at', sa.DateTime(), nullable=False),
    sa.Column('accepted_at', sa.DateTime(), nullable=True),
    sa.Column('completed_at', sa.DateTime(), nullable=True),
    sa.ForeignKeyConstraint(['agent_id'], ['users.id'], name=op.f('fk_assistance_requests_agent_id_users')),
    sa.ForeignKeyConstraint(['brand_id'], ['brands.id'], name=op.f('fk_assistance_requests_brand_id_brands'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['group_id'], ['groups.id'], name=op.f('fk_assistance_requests_group_id_groups'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['supervisor_id'], ['users.id'], name=op.f('fk_assistance_requests_supervisor_id_users')),
    sa.ForeignKeyConstraint(['ticket_id'], ['tickets.id'], name=op.f('fk_assistance_requests_ticket_id_tickets'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_assistance_requests'))
    )
    with op.batch_alter_table('assistance_requests', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_assistance_requests_brand_id'), ['brand_id'], unique=False)
        batch_op.create_index('ix_assistance_requests_ticket', ['ticket_id', 'id'], unique=False)
        batch_op.create_index('ux_assistance_one_active_per_ticket', ['ticket_id'], unique=True, sqlite_where=sa.text("status IN ('waiting', 'accepted')"), postgresql_where=sa.text("status IN ('waiting', 'accepted')"))

    op.create_table('comments',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('ticket_id', sa.Integer(), nullable=False),
    sa.Column('author_id', sa.Integer(), nullable=False),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('is_public', sa.Boolean(), nullable=False),
    sa.Column('channel', sa.String(length=20), nullable=False),
    sa.Column('assisted_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['assisted_by_id'], ['users.id'], name=op.f('fk_comments_assisted_by_id_users')),
    sa.ForeignKeyConstraint(['author_id'], ['users.id'], name=op.f('fk_comments_author_id_users')),
    sa.ForeignKeyConstraint(['ticket_id'], ['tickets.id'], name=op.f('fk_comments_ticket_id_tickets'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_comments'))
    )
    with op.batch_alter_table('comments', schema=None) as batch_op:
        batch_op.create_index('ix_comments_ticket_id_id', ['ticket_id', 'id'], unique=False)

    op.create_table('ticket_collaborators',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('ticket_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['ticket_id'], ['tickets.id'], name=op.f('fk_ticket_collaborators_ticket_id_tickets'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_ticket_collaborators_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_ticket_collaborators')),
    sa.UniqueConstraint('ticket_id', 'user_id', name=op.f('uq_ticket_collaborators_ticket_id'))
    )
    with op.batch_alter_table('ticket_collaborators', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_ticket_collaborators_ticket_id'), ['ticket_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_ticket_collaborators_user_id'), ['user_id'], unique=False)

    op.create_table('ticket_events',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('ticket_id', sa.Integer(), nullable=False),
    sa.Column('actor_id', sa.Integer(), nullable=True),
    sa.Column('assisted_by_id', sa.Integer(), nullable=True),
    sa.Column('field', sa.String(length=60), nullable=False),
    sa.Column('old_value', sa.Text(), nullable=True),
    sa.Column('new_value', sa.Text(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['actor_id'], ['users.id'], name=op.f('fk_ticket_events_actor_id_users')),
    sa.ForeignKeyConstraint(['assisted_by_id'], ['users.id'], name=op.f('fk_ticket_events_assisted_by_id_users')),
    sa.ForeignKeyConstraint(['ticket_id'], ['tickets.id'], name=op.f('fk_ticket_events_ticket_id_tickets'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_ticket_events'))
    )
    with op.batch_alter_table('ticket_events', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_ticket_events_ticket_id'), ['ticket_id'], unique=False)

    op.create_table('ticket_field_values',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('ticket_id', sa.Integer(), nullable=False),
    sa.Column('field_id', sa.Integer(), nullable=False),
    sa.Column('value', sa.JSON(), nullable=False),
    sa.ForeignKeyConstraint(['field_id'], ['ticket_fields.id'], name=op.f('fk_ticket_field_values_field_id_ticket_fields'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['ticket_id'], ['tickets.id'], name=op.f('fk_ticket_field_values_ticket_id_tickets'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_ticket_field_values')),
    sa.UniqueConstraint('ticket_id', 'field_id', name=op.f('uq_ticket_field_values_ticket_id'))
    )
    with op.batch_alter_table('ticket_field_values', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_ticket_field_values_ticket_id'), ['ticket_id'], unique=False)

    op.create_table('assistance_messages',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('request_id', sa.Integer(), nullable=False),
    sa.Column('author_id', sa.Integer(), nullable=True),
    sa.Column('kind', sa.String(length=12), nullable=False),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['author_id'], ['users.id'], name=op.f('fk_assistance_messages_author_id_users')),
    sa.ForeignKeyConstraint(['request_id'], ['assistance_requests.id'], name=op.f('fk_assistance_messages_request_id_assistance_requests'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_assistance_messages'))
    )
    with op.batch_alter_table('assistance_messages', schema=None) as batch_op:
        batch_op.create_index('ix_assistance_messages_request_id', ['request_id', 'id'], unique=False)

    op.create_table('assistance_notices',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('request_id', sa.Integer(), nullable=False),
    sa.Column('supervisor_id', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('closed_at', sa.DateTime(), nullable=True),
    sa.ForeignKeyConstraint(['request_id'], ['assistance_requests.id'], name=op.f('fk_assistance_notices_request_id_assistance_requests'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['supervisor_id'], ['users.id'], name=op.f('fk_assistance_notices_supervisor_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_assistance_notices'))
    )
    with op.batch_alter_table('assistance_notices', schema=None) as batch_op:
        batch_op.create_index('ix_assistance_notices_open', ['supervisor_id', 'closed_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_assistance_notices_request_id'), ['request_id'], unique=False)

    op.create_table('attachments',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('brand_id', sa.Integer(), nullable=False),
    sa.Column('comment_id', sa.Integer(), nullable=True),
    sa.Column('draft_id', sa.Integer(), nullable=True),
    sa.Column('uploader_id', sa.Integer(), nullable=False),
    sa.Column('assisted_by_id', sa.Integer(), nullable=True),
    sa.Column('channel', sa.String(length=20), nullable=False),
    sa.Column('token_hash', sa.String(length=64), nullable=True),
    sa.Column('file_name', sa.String(length=255), nullable=False),
    sa.Column('content_type', sa.String(length=100), nullable=False),
    sa.Column('size', sa.Integer(), nullable=False),
    sa.Column('content_key', sa.String(length=64), nullable=False),
    sa.Column('thumbnail_key', sa.String(length=64), nullable=True),
    sa.Column('thumbnail_size', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['assisted_by_id'], ['users.id'], name=op.f('fk_attachments_assisted_by_id_users')),
    sa.ForeignKeyConstraint(['brand_id'], ['brands.id'], name=op.f('fk_attachments_brand_id_brands'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['comment_id'], ['comments.id'], name=op.f('fk_attachments_comment_id_comments'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['draft_id'], ['drafts.id'], name=op.f('fk_attachments_draft_id_drafts'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['uploader_id'], ['users.id'], name=op.f('fk_attachments_uploader_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_attachments')),
    sa.UniqueConstraint('token_hash', name=op.f('uq_attachments_token_hash'))
    )
    with op.batch_alter_table('attachments', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_attachments_brand_id'), ['brand_id'], unique=False)
        batch_op.create_index('ix_attachments_comment_id', ['comment_id', 'id'], unique=False)
        batch_op.create_index('ix_attachments_content_key', ['content_key'], unique=False)
        batch_op.create_index('ix_attachments_draft_id', ['draft_id'], unique=False)
        batch_op.create_index('ix_attachments_thumbnail_key', ['thumbnail_key'], unique=False)

    op.create_table('mail_inbound',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('brand_id', sa.Integer(), nullable=True),
    sa.Column('message_id', sa.String(length=255), nullable=False),
    sa.Column('imap_key', sa.String(length=64), nullable=True),
    sa.Column('from_address', sa.String(length=254), nullable=False),
    sa.Column('to_address', sa.String(length=320), nullable=False),
    sa.Column('subject', sa.String(length=255), nullable=False),
    sa.Column('size', sa.Integer(), nullable=False),
    sa.Column('outcome', sa.String(length=10), nullable=False),
    sa.Column('reason', sa.String(length=30), nullable=False),
    sa.Column('ticket_id', sa.Integer(), nullable=True),
    sa.Column('comment_id', sa.Integer(), nullable=True),
    sa.Column('attachments', sa.JSON(), nullable=True),
    sa.Column('raw', sa.LargeBinary(), nullable=False),
    sa.Column('received_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['brand_id'], ['brands.id'], name=op.f('fk_mail_inbound_brand_id_brands'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['comment_id'], ['comments.id'], name=op.f('fk_mail_inbound_comment_id_comments'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['ticket_id'], ['tickets.id'], name=op.f('fk_mail_inbound_ticket_id_tickets'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_mail_inbound')),
    sa.UniqueConstraint('brand_id', 'message_id', name='uq_mail_inbound_message')
    )
    with op.batch_alter_table('mail_inbound', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_mail_inbound_comment_id'), ['comment_id'], unique=False)
        batch_op.create_index('ix_mail_inbound_imap', ['brand_id', 'imap_key'], unique=False)
        batch_op.create_index('ix_mail_inbound_outcome', ['brand_id', 'outcome', 'id'], unique=False)
        batch_op.create_index('ix_mail_inbound_sender', ['brand_id', 'from_address', 'received_at'], unique=False)



def downgrade():
    with op.batch_alter_table('mail_inbound', schema=None) as batch_op:
        batch_op.drop_index('ix_mail_inbound_sender')
        batch_op.drop_index('ix_mail_inbound_outcome')
        batch_op.drop_index('ix_mail_inbound_imap')
        batch_op.drop_index(batch_op.f('ix_mail_inbound_comment_id'))

    op.drop_table('mail_inbound')
    with op.batch_alter_table('attachments', schema=None) as batch_op:
        batch_op.drop_index('ix_attachments_thumbnail_key')
        batch_op.drop_index('ix_attachments_draft_id')
        batch_op.drop_index('ix_attachments_content_key')
        batch_op.drop_index('ix_attachments_comment_id')
        batch_op.drop_index(batch_op.f('ix_attachments_brand_id'))

    op.drop_table('attachments')
    with op.batch_alter_table('assistance_notices', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_assistance_notices_request_id'))
        batch_op.drop_index('ix_assistance_notices_open')

    op.drop_table('assistance_notices')
    with op.batch_alter_table('assistance_messages', schema=None) as batch_op:
        batch_op.drop_index('ix_assistance_messages_request_id')

    op.drop_table('assistance_messages')
    with op.batch_alter_table('ticket_field_values', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_ticket_field_values_ticket_id'))

    op.drop_table('ticket_field_values')
    with op.batch_alter_table('ticket_events', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_ticket_events_ticket_id'))

    op.drop_table('ticket_events')
    with op.batch_alter_table('ticket_collaborators', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_ticket_collaborators_user_id'))
        batch_op.drop_index(batch_op.f('ix_ticket_collaborators_ticket_id'))

    op.drop_table('ticket_collaborators')
    with op.batch_alter_table('comments', schema=None) as batch_op:
        batch_op.drop_index('ix_comments_ticket_id_id')

    op.drop_table('comments')
    with op.batch_alter_table('assistance_requests', schema=None) as batch_op:
        batch_op.drop_index('ux_assistance_one_active_per_ticket', sqlite_where=sa.text("status IN ('waiting', 'accepted')"), postgresql_where=sa.text("status IN ('waiting', 'accepted')"))
        batch_op.drop_index('ix_assistance_requests_ticket')
        batch_op.drop_index(batch_op.f('ix_assistance_requests_brand_id'))

    op.drop_table('assistance_requests')
    with op.batch_alter_table('tickets', schema=None) as batch_op:
        batch_op.drop_index('ix_tickets_brand_updated_status')
        batch_op.drop_index('ix_tickets_brand_status_updated')
        batch_op.drop_index('ix_tickets_brand_status_solved')
        batch_op.drop_index('ix_tickets_brand_requester_updated')
        batch_op.drop_index('ix_tickets_brand_priority_updated')
        batch_op.drop_index('ix_tickets_brand_created_status')
        batch_op.drop_index('ix_tickets_brand_assignee_updated')

    op.drop_table('tickets')
    with op.batch_alter_table('form_fields', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_form_fields_form_id'))

    op.drop_table('form_fields')
    with op.batch_alter_table('field_conditions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_field_conditions_form_id'))

    op.drop_table('field_conditions')
    with op.batch_alter_table('drafts', schema=None) as batch_op:
        batch_op.drop_index('ix_drafts_brand_user')

    op.drop_table('drafts')
    with op.batch_alter_table('ticket_forms', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_ticket_forms_brand_id'))

    op.drop_table('ticket_forms')
    with op.batch_alter_table('group_members', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_group_members_user_id'))
        batch_op.drop_index(batch_op.f('ix_group_members_group_id'))

    op.drop_table('group_members')
    with op.batch_alter_table('user_sessions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_user_sessions_user_id'))

    op.drop_table('user_sessions')
    with op.batch_alter_table('ticket_fields', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_ticket_fields_brand_id'))

    op.drop_table('ticket_fields')
    with op.batch_alter_table('password_reset_tokens', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_password_reset_tokens_user_id'))

    op.drop_table('password_reset_tokens')
    with op.batch_alter_table('memberships', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_memberships_user_id'))
        batch_op.drop_index('ix_memberships_brand_role')

    op.drop_table('memberships')
    with op.batch_alter_table('mail_outbox', schema=None) as batch_op:
        batch_op.drop_index('ix_mail_outbox_message_id')
        batch_op.drop_index('ix_mail_outbox_lease')
        batch_op.drop_index('ix_mail_outbox_due')
        batch_op.drop_index(batch_op.f('ix_mail_outbox_brand_id'))

    op.drop_table('mail_outbox')
    op.drop_table('known_addresses')
    with op.batch_alter_table('invitations', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_invitations_user_id'))
        batch_op.drop_index(batch_op.f('ix_invitations_brand_id'))

    op.drop_table('invitations')
    with op.batch_alter_table('groups', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_groups_brand_id'))

    op.drop_table('groups')
    with op.batch_alter_table('audit_events', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_audit_events_created_at'))
        batch_op.drop_index(batch_op.f('ix_audit_events_brand_id'))
        batch_op.drop_index(batch_op.f('ix_audit_events_actor_id'))

    op.drop_table('audit_events')
    with op.batch_alter_table('assist_interactions', schema=None) as batch_op:
        batch_op.drop_index('ix_assist_interactions_brand_user')
        batch_op.drop_index('ix_assist_interactions_brand_started')
        batch_op.drop_index('ix_assist_interactions_agent_ended')

    op.drop_table('assist_interactions')
    with op.batch_alter_table('api_tokens', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_api_tokens_user_id'))

    op.drop_table('api_tokens')
    op.drop_table('agent_preferences')
    op.drop_table('users')
    with op.batch_alter_table('signin_failures', schema=None) as batch_op:
        batch_op.drop_index('ix_signin_failures_ip_at')
        batch_op.drop_index('ix_signin_failures_email_at')

    op.drop_table('signin_failures')
    with op.batch_alter_table('search_outbox', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_search_outbox_user_id'))

    op.drop_table('search_outbox')
    op.drop_table('brands')
    with op.batch_alter_table('api_rate_counters', schema=None) as batch_op:
        batch_op.drop_index('ix_api_rate_counters_window')

    op.drop_table('api_rate_counters')
