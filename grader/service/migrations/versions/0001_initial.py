"""initial schema: jobs, uploads, reports, attempts, tokens, human scores

Revision ID: 0001
Revises: none
"""

from alembic import op
import sqlalchemy as sa


revision = '0001'
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('api_tokens',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=100), nullable=False),
    sa.Column('token_hash', sa.String(length=64), nullable=False),
    sa.Column('created_at', sa.Float(), nullable=False),
    sa.Column('revoked_at', sa.Float(), nullable=True),
    sa.Column('max_active', sa.Integer(), nullable=True),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('name'),
    sa.UniqueConstraint('token_hash')
    )
    op.create_table('jobs',
    sa.Column('id', sa.String(length=32), nullable=False),
    sa.Column('owner', sa.String(length=120), nullable=False),
    sa.Column('idempotency_key', sa.String(length=200), nullable=True),
    sa.Column('request_hash', sa.String(length=64), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('source_kind', sa.String(length=16), nullable=False),
    sa.Column('source', sa.String(length=2000), nullable=False),
    sa.Column('rubric', sa.String(length=200), nullable=False),
    sa.Column('options_json', sa.Text(), nullable=False),
    sa.Column('stage', sa.String(length=100), nullable=True),
    sa.Column('step', sa.String(length=300), nullable=True),
    sa.Column('progress', sa.Float(), nullable=True),
    sa.Column('attempts', sa.Integer(), nullable=False),
    sa.Column('max_attempts', sa.Integer(), nullable=False),
    sa.Column('lease_owner', sa.String(length=200), nullable=True),
    sa.Column('lease_expires_at', sa.Float(), nullable=True),
    sa.Column('cancel_requested', sa.Boolean(), nullable=False),
    sa.Column('error', sa.Text(), nullable=True),
    sa.Column('created_at', sa.Float(), nullable=False),
    sa.Column('dispatched_at', sa.Float(), nullable=True),
    sa.Column('started_at', sa.Float(), nullable=True),
    sa.Column('finished_at', sa.Float(), nullable=True),
    sa.Column('stage_timings_json', sa.Text(), nullable=True),
    sa.Column('repo_name', sa.String(length=300), nullable=True),
    sa.Column('total', sa.Float(), nullable=True),
    sa.Column('max_total', sa.Float(), nullable=True),
    sa.Column('pending_points', sa.Float(), nullable=True),
    sa.Column('tier', sa.String(length=20), nullable=True),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('owner', 'idempotency_key', name='uq_jobs_owner_idempotency_key')
    )
    with op.batch_alter_table('jobs', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_jobs_created_at'), ['created_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_jobs_lease_expires_at'), ['lease_expires_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_jobs_owner'), ['owner'], unique=False)
        batch_op.create_index(batch_op.f('ix_jobs_rubric'), ['rubric'], unique=False)
        batch_op.create_index(batch_op.f('ix_jobs_status'), ['status'], unique=False)

    op.create_table('human_scores',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('job_id', sa.String(length=32), nullable=False),
    sa.Column('rubric', sa.String(length=200), nullable=False),
    sa.Column('item', sa.String(length=300), nullable=False),
    sa.Column('rater', sa.String(length=100), nullable=False),
    sa.Column('criterion', sa.String(length=200), nullable=False),
    sa.Column('dimension', sa.String(length=200), nullable=False),
    sa.Column('score', sa.Float(), nullable=False),
    sa.Column('created_at', sa.Float(), nullable=False),
    sa.ForeignKeyConstraint(['job_id'], ['jobs.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('job_id', 'rater', 'criterion', name='uq_human_scores_job_rater_criterion')
    )
    with op.batch_alter_table('human_scores', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_human_scores_job_id'), ['job_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_human_scores_rubric'), ['rubric'], unique=False)

    op.create_table('job_attempts',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('job_id', sa.String(length=32), nullable=False),
    sa.Column('attempt', sa.Integer(), nullable=False),
    sa.Column('worker', sa.String(length=200), nullable=False),
    sa.Column('started_at', sa.Float(), nullable=False),
    sa.Column('ended_at', sa.Float(), nullable=True),
    sa.Column('outcome', sa.String(length=30), nullable=True),
    sa.ForeignKeyConstraint(['job_id'], ['jobs.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('job_attempts', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_job_attempts_job_id'), ['job_id'], unique=False)

    op.create_table('job_reports',
    sa.Column('job_id', sa.String(length=32), nullable=False),
    sa.Column('report_json', sa.Text(), nullable=False),
    sa.Column('report_md', sa.Text(), nullable=True),
    sa.Column('report_html', sa.Text(), nullable=True),
    sa.ForeignKeyConstraint(['job_id'], ['jobs.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('job_id')
    )
    op.create_table('job_uploads',
    sa.Column('job_id', sa.String(length=32), nullable=False),
    sa.Column('filename', sa.String(length=300), nullable=False),
    sa.Column('data', sa.LargeBinary(), nullable=False),
    sa.ForeignKeyConstraint(['job_id'], ['jobs.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('job_id')
    )


def downgrade() -> None:
    op.drop_table('job_uploads')
    op.drop_table('job_reports')
    with op.batch_alter_table('job_attempts', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_job_attempts_job_id'))

    op.drop_table('job_attempts')
    with op.batch_alter_table('human_scores', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_human_scores_rubric'))
        batch_op.drop_index(batch_op.f('ix_human_scores_job_id'))

    op.drop_table('human_scores')
    with op.batch_alter_table('jobs', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_jobs_status'))
        batch_op.drop_index(batch_op.f('ix_jobs_rubric'))
        batch_op.drop_index(batch_op.f('ix_jobs_owner'))
        batch_op.drop_index(batch_op.f('ix_jobs_lease_expires_at'))
        batch_op.drop_index(batch_op.f('ix_jobs_created_at'))

    op.drop_table('jobs')
    op.drop_table('api_tokens')
