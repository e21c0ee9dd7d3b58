"""Initial schema: sites, harvest runs, pages, content-addressed bodies, snapshots,
report versions with their statistics and attachments, fetch failures.

Revision ID: 0001
Revises: 
Create Date: 2026-11-22

"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision: str = '0001'
down_revision: Union[str, Sequence[str], None] = None
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    """Upgrade schema."""
    sqlite = op.get_bind().dialect.name == "sqlite"
    op.create_table('bodies',
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('size', sa.BigInteger(), nullable=False),
    sa.Column('compression', sa.String(length=16), server_default='zlib', nullable=False),
    sa.Column('data', sa.LargeBinary(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('sha256', name=op.f('pk_bodies'))
    )
    op.create_table('sites',
    sa.Column('key', sa.String(length=64), nullable=False),
    sa.Column('agency', sa.String(length=200), nullable=True),
    sa.Column('region', sa.String(length=200), nullable=True),
    sa.Column('platform', sa.String(length=64), nullable=True),
    sa.Column('entry_url', sa.Text(), nullable=True),
    sa.Column('first_seen_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('key', name=op.f('pk_sites'))
    )
    op.create_table('harvest_runs',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=16), server_default='crawl', nullable=False),
    sa.Column('site_key', sa.String(length=64), nullable=True),
    sa.Column('spider', sa.String(length=64), nullable=True),
    sa.Column('args', sa.JSON(), nullable=False),
    sa.Column('harvester_version', sa.String(length=32), nullable=True),
    sa.Column('parser_version', sa.String(length=32), nullable=True),
    sa.Column('started_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('finished_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('outcome', sa.String(length=32), server_default='running', nullable=False),
    sa.Column('pages_new', sa.Integer(), server_default='0', nullable=False),
    sa.Column('pages_changed', sa.Integer(), server_default='0', nullable=False),
    sa.Column('pages_unchanged', sa.Integer(), server_default='0', nullable=False),
    sa.Column('pages_gone', sa.Integer(), server_default='0', nullable=False),
    sa.Column('pages_failed', sa.Integer(), server_default='0', nullable=False),
    sa.Column('requests', sa.BigInteger(), nullable=True),
    sa.Column('response_bytes', sa.BigInteger(), nullable=True),
    sa.Column('stats', sa.JSON(), nullable=True),
    sa.Column('checks', sa.JSON(), nullable=True),
    sa.ForeignKeyConstraint(['site_key'], ['sites.key'], name=op.f('fk_harvest_runs_site_key_sites')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_harvest_runs'))
    )
    with op.batch_alter_table('harvest_runs', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_harvest_runs_site_key'), ['site_key'], unique=False)
        batch_op.create_index(batch_op.f('ix_harvest_runs_started_at'), ['started_at'], unique=False)

    op.create_table('fetch_failures',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('site_key', sa.String(length=64), nullable=False),
    sa.Column('url', sa.Text(), nullable=False),
    sa.Column('status', sa.Integer(), nullable=True),
    sa.Column('error', sa.Text(), nullable=False),
    sa.Column('referer', sa.Text(), nullable=True),
    sa.Column('first_failed_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('last_failed_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('failure_count', sa.Integer(), server_default='1', nullable=False),
    sa.Column('last_run_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['last_run_id'], ['harvest_runs.id'], name=op.f('fk_fetch_failures_last_run_id_harvest_runs')),
    sa.ForeignKeyConstraint(['site_key'], ['sites.key'], name=op.f('fk_fetch_failures_site_key_sites')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_fetch_failures')),
    sa.UniqueConstraint('url', name=op.f('uq_fetch_failures_url'))
    )
    with op.batch_alter_table('fetch_failures', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_fetch_failures_last_run_id'), ['last_run_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_fetch_failures_site_key'), ['site_key'], unique=False)

    op.create_table('pages',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('site_key', sa.String(length=64), nullable=False),
    sa.Column('url', sa.Text(), nullable=False),
    sa.Column('first_seen_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('last_seen_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('last_fetched_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('fetch_count', sa.Integer(), server_default='0', nullable=False),
    sa.Column('gone_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('gone_run_id', sa.Integer(), nullable=True),
    sa.Column('last_listing_title', sa.Text(), nullable=True),
    sa.Column('last_listing_date', sa.String(length=32), nullable=True),
    sa.Column('current_snapshot_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['gone_run_id'], ['harvest_runs.id'], name=op.f('fk_pages_gone_run_id_harvest_runs')),
    sa.ForeignKeyConstraint(['site_key'], ['sites.key'], name=op.f('fk_pages_site_key_sites')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_pages')),
    sa.UniqueConstraint('url', name=op.f('uq_pages_url')),
    # pages <-> snapshots is a cycle: SQLite accepts the forward reference inline (and cannot add
    # a constraint later); PostgreSQL gets it once snapshots exists (below).
    *([sa.ForeignKeyConstraint(['current_snapshot_id'], ['snapshots.id'], name='fk_pages_current_snapshot_id_snapshots')] if sqlite else []),
    )
    with op.batch_alter_table('pages', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_pages_site_key'), ['site_key'], unique=False)

    op.create_table('snapshots',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('page_id', sa.Integer(), nullable=False),
    sa.Column('content_sha256', sa.String(length=64), nullable=False),
    sa.Column('fetched_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('last_fetched_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('fetch_count', sa.Integer(), server_default='1', nullable=False),
    sa.Column('status', sa.Integer(), nullable=False),
    sa.Column('final_url', sa.Text(), nullable=True),
    sa.Column('headers', sa.JSON(), nullable=False),
    sa.Column('referer', sa.Text(), nullable=True),
    sa.Column('etag', sa.Text(), nullable=True),
    sa.Column('last_modified', sa.Text(), nullable=True),
    sa.Column('encoding', sa.String(length=32), nullable=True),
    sa.Column('renderer', sa.String(length=64), nullable=True),
    sa.Column('harvest_run_id', sa.Integer(), nullable=True),
    sa.Column('last_run_id', sa.Integer(), nullable=True),
    sa.Column('kind', sa.String(length=16), nullable=True),
    sa.Column('kind_reason', sa.Text(), nullable=True),
    sa.Column('parser_version', sa.String(length=32), nullable=True),
    sa.ForeignKeyConstraint(['content_sha256'], ['bodies.sha256'], name=op.f('fk_snapshots_content_sha256_bodies')),
    sa.ForeignKeyConstraint(['harvest_run_id'], ['harvest_runs.id'], name=op.f('fk_snapshots_harvest_run_id_harvest_runs')),
    sa.ForeignKeyConstraint(['last_run_id'], ['harvest_runs.id'], name=op.f('fk_snapshots_last_run_id_harvest_runs')),
    sa.ForeignKeyConstraint(['page_id'], ['pages.id'], name=op.f('fk_snapshots_page_id_pages')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_snapshots')),
    sa.UniqueConstraint('page_id', 'content_sha256', name=op.f('uq_snapshots_page_id_content_sha256'))
    )
    with op.batch_alter_table('snapshots', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_snapshots_content_sha256'), ['content_sha256'], unique=False)
        batch_op.create_index(batch_op.f('ix_snapshots_fetched_at'), ['fetched_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_snapshots_harvest_run_id'), ['harvest_run_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_snapshots_kind'), ['kind'], unique=False)
        batch_op.create_index(batch_op.f('ix_snapshots_last_fetched_at'), ['last_fetched_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_snapshots_page_id'), ['page_id'], unique=False)

    op.create_table('reports',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('page_id', sa.Integer(), nullable=False),
    sa.Column('snapshot_id', sa.Integer(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('is_current', sa.Boolean(), server_default=sa.text('true'), nullable=False),
    sa.Column('parser_version', sa.String(length=32), nullable=False),
    sa.Column('checked_parser_version', sa.String(length=32), nullable=True),
    sa.Column('output_sha256', sa.String(length=64), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('created_run_id', sa.Integer(), nullable=True),
    sa.Column('created_reason', sa.String(length=32), nullable=True),
    sa.Column('changed_fields', sa.JSON(), nullable=True),
    sa.Column('site_key', sa.String(length=64), nullable=False),
    sa.Column('url', sa.Text(), nullable=False),
    sa.Column('title', sa.Text(), nullable=True),
    sa.Column('report_year', sa.Integer(), nullable=True),
    sa.Column('agency', sa.Text(), nullable=True),
    sa.Column('publisher', sa.Text(), nullable=True),
    sa.Column('region', sa.Text(), nullable=True),
    sa.Column('published_date', sa.String(length=32), nullable=True),
    sa.Column('signed_date', sa.String(length=32), nullable=True),
    sa.Column('index_no', sa.Text(), nullable=True),
    sa.Column('doc_no', sa.Text(), nullable=True),
    sa.Column('category', sa.Text(), nullable=True),
    sa.Column('body_text', sa.Text(), nullable=False),
    sa.Column('sections', sa.JSON(), nullable=False),
    sa.Column('tables', sa.JSON(), nullable=False),
    sa.Column('warnings', sa.JSON(), nullable=False),
    sa.Column('cleaning', sa.JSON(), nullable=False),
    sa.ForeignKeyConstraint(['created_run_id'], ['harvest_runs.id'], name=op.f('fk_reports_created_run_id_harvest_runs')),
    sa.ForeignKeyConstraint(['page_id'], ['pages.id'], name=op.f('fk_reports_page_id_pages')),
    sa.ForeignKeyConstraint(['site_key'], ['sites.key'], name=op.f('fk_reports_site_key_sites')),
    sa.ForeignKeyConstraint(['snapshot_id'], ['snapshots.id'], name=op.f('fk_reports_snapshot_id_snapshots')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_reports')),
    sa.UniqueConstraint('page_id', 'version', name=op.f('uq_reports_page_id_version'))
    )
    if not sqlite:
        op.create_foreign_key('fk_pages_current_snapshot_id_snapshots', 'pages', 'snapshots', ['current_snapshot_id'], ['id'])
    with op.batch_alter_table('reports', schema=None) as batch_op:
        batch_op.create_index('ix_reports_site_year', ['site_key', 'report_year'], unique=False)
        batch_op.create_index(batch_op.f('ix_reports_snapshot_id'), ['snapshot_id'], unique=False)
        batch_op.create_index('uq_reports_current_page', ['page_id'], unique=True, sqlite_where=sa.text('is_current'), postgresql_where=sa.text('is_current'))

    op.create_table('report_attachments',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('report_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('url', sa.Text(), nullable=False),
    sa.Column('name', sa.Text(), nullable=True),
    sa.Column('kind', sa.String(length=16), nullable=True),
    sa.ForeignKeyConstraint(['report_id'], ['reports.id'], name=op.f('fk_report_attachments_report_id_reports')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_report_attachments'))
    )
    with op.batch_alter_table('report_attachments', schema=None) as batch_op:
        batch_op.create_index('ix_report_attachments_report_position', ['report_id', 'position'], unique=False)

    op.create_table('report_stats',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('report_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('key', sa.String(length=200), nullable=False),
    sa.Column('value', sa.Float(), nullable=False),
    sa.Column('unit', sa.String(length=32), nullable=True),
    sa.Column('label', sa.Text(), nullable=True),
    sa.Column('source', sa.String(length=16), nullable=True),
    sa.Column('section', sa.Text(), nullable=True),
    sa.ForeignKeyConstraint(['report_id'], ['reports.id'], name=op.f('fk_report_stats_report_id_reports')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_report_stats'))
    )
    with op.batch_alter_table('report_stats', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_report_stats_key'), ['key'], unique=False)
        batch_op.create_index('ix_report_stats_report_position', ['report_id', 'position'], unique=False)



def downgrade() -> None:
    """Downgrade schema."""
    with op.batch_alter_table('report_stats', schema=None) as batch_op:
        batch_op.drop_index('ix_report_stats_report_position')
        batch_op.drop_index(batch_op.f('ix_report_stats_key'))

    op.drop_table('report_stats')
    with op.batch_alter_table('report_attachments', schema=None) as batch_op:
        batch_op.drop_index('ix_report_attachments_report_position')

    op.drop_table('report_attachments')
    with op.batch_alter_table('reports', schema=None) as batch_op:
        batch_op.drop_index('uq_reports_current_page', sqlite_where=sa.text('is_current'), postgresql_where=sa.text('is_current'))
        batch_op.drop_index(batch_op.f('ix_reports_snapshot_id'))
        batch_op.drop_index('ix_reports_site_year')

    op.drop_table('reports')
    with op.batch_alter_table('snapshots', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_snapshots_page_id'))
        batch_op.drop_index(batch_op.f('ix_snapshots_last_fetched_at'))
        batch_op.drop_index(batch_op.f('ix_snapshots_kind'))
        batch_op.drop_index(batch_op.f('ix_snapshots_harvest_run_id'))
        batch_op.drop_index(batch_op.f('ix_snapshots_fetched_at'))
        batch_op.drop_index(batch_op.f('ix_snapshots_content_sha256'))

    if op.get_bind().dialect.name != "sqlite":
        op.drop_constraint('fk_pages_current_snapshot_id_snapshots', 'pages', type_='foreignkey')
    op.drop_table('snapshots')
    with op.batch_alter_table('pages', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_pages_site_key'))

    op.drop_table('pages')
    with op.batch_alter_table('fetch_failures', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_fetch_failures_site_key'))
        batch_op.drop_index(batch_op.f('ix_fetch_failures_last_run_id'))

    op.drop_table('fetch_failures')
    with op.batch_alter_table('harvest_runs', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_harvest_runs_started_at'))
        batch_op.drop_index(batch_op.f('ix_harvest_runs_site_key'))

    op.drop_table('harvest_runs')
    op.drop_table('sites')
    op.drop_table('bodies')
