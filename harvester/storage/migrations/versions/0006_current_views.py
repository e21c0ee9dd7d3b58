"""Views for readers without SQL (Datasette, spreadsheets): current_reports and current_statistics.

current_reports: the current version of every report, with the body's identity (key, canonical
name, region from the sites table) beside the name the page printed.
current_statistics: every statistic of those reports in its normalised unit (money in 元, counts in
their counting unit), with the value and unit as printed. The same rules as harvester.units
(tests/storage/test_export.py and tests/crawl/test_data_for_readers.py hold them equal).

Revision ID: 0006
Revises: 0004 (written on 0002; relinked after 0008, then after 0004: the views stay the last
migration, their SQL (harvester.storage.views) matches the head schema)
Create Date: 2026-12-01

"""
from typing import Sequence, Union

from alembic import op

from harvester.storage.views import create_views, drop_views


# revision identifiers, used by Alembic.
revision: str = '0006'
down_revision: Union[str, Sequence[str], None] = '0004'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    # The SQL lives in harvester.storage.views: upgrade() drops and recreates the views around
    # every migration run (SQLite cannot rebuild a table a view names).
    create_views(op.get_bind())


def downgrade() -> None:
    drop_views(op.get_bind())
