"""Reports say where agency and region came from (field_sources) and carry the region's
administrative division code (region_code): site-free parsing, issue 10.

Revision ID: 0008
Revises: 0003
Create Date: 2026-12-01

"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision: str = '0008'
down_revision: Union[str, Sequence[str], None] = '0003'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    """Upgrade schema."""
    with op.batch_alter_table('reports', schema=None) as batch_op:
        batch_op.add_column(sa.Column('region_code', sa.String(length=12), nullable=True))
        batch_op.add_column(sa.Column('field_sources', sa.JSON(), nullable=True))


def downgrade() -> None:
    """Downgrade schema."""
    with op.batch_alter_table('reports', schema=None) as batch_op:
        batch_op.drop_column('field_sources')
        batch_op.drop_column('region_code')
