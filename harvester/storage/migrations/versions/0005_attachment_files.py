"""Reports published as files: the files report pages link (attachment_files, bytes in bodies).
Where each statistic was read (origin: the attachment's name; confidence: OCR) is part of the
packed parser output (0004), not a column.

Revision ID: 0005
Revises: 0006 (assigned after 0002; relinked after main's head 0006 when main was merged)
Create Date: 2026-12-01

"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision: str = '0005'
down_revision: Union[str, Sequence[str], None] = '0006'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    """Upgrade schema."""
    op.create_table('attachment_files',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('url', sa.Text(), nullable=False),
    sa.Column('page_id', sa.Integer(), nullable=True),
    sa.Column('name', sa.Text(), nullable=True),
    sa.Column('kind', sa.String(length=16), nullable=True),
    sa.Column('content_sha256', sa.String(length=64), nullable=True),
    sa.Column('content_type', sa.Text(), nullable=True),
    sa.Column('size', sa.BigInteger(), nullable=True),
    sa.Column('status', sa.Integer(), nullable=True),
    sa.Column('fetched_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('last_seen_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('fetch_count', sa.Integer(), server_default='1', nullable=False),
    sa.Column('error', sa.Text(), nullable=True),
    sa.Column('extraction', sa.JSON(), nullable=True),
    sa.Column('harvest_run_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['content_sha256'], ['bodies.sha256'], name=op.f('fk_attachment_files_content_sha256_bodies')),
    sa.ForeignKeyConstraint(['harvest_run_id'], ['harvest_runs.id'], name=op.f('fk_attachment_files_harvest_run_id_harvest_runs')),
    sa.ForeignKeyConstraint(['page_id'], ['pages.id'], name=op.f('fk_attachment_files_page_id_pages')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_attachment_files')),
    sa.UniqueConstraint('url', name=op.f('uq_attachment_files_url'))
    )
    with op.batch_alter_table('attachment_files', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_attachment_files_content_sha256'), ['content_sha256'], unique=False)
        batch_op.create_index(batch_op.f('ix_attachment_files_harvest_run_id'), ['harvest_run_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_attachment_files_page_id'), ['page_id'], unique=False)


def downgrade() -> None:
    """Downgrade schema."""
    with op.batch_alter_table('attachment_files', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_attachment_files_page_id'))
        batch_op.drop_index(batch_op.f('ix_attachment_files_harvest_run_id'))
        batch_op.drop_index(batch_op.f('ix_attachment_files_content_sha256'))
    op.drop_table('attachment_files')
