"""Report outputs compressed with zstd (issue 15, CPU per stored report):

- reports.output blobs written from this revision on are zstd (level 5) with the preset output
  dictionary as raw content, behind a zstd skippable frame naming the dictionary's number
  (harvester.storage.records.pack_output). On the scaled replica's reports that is half the CPU of
  zlib level 9 and about 1 % smaller. Blobs written before (zlib with the dictionary, plain zlib)
  read as they are, so the upgrade changes no row; it marks the database as one that older
  versions of harvester, which cannot read zstd outputs, must not open.
- Downgrade writes the zstd blobs back in 0009's format (zlib level 9 with dictionary 1).

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-02

"""
import zlib
from pathlib import Path
from typing import Sequence, Union

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision: str = '0010'
down_revision: Union[str, Sequence[str], None] = '0009'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None

# The blob format of this revision (kept here: a migration must not change when the application
# code does): skippable frame magic 0x184D2A50, content size 4, the dictionary number, zstd frame.
ZSTD_PREFIX = (0x184D2A50).to_bytes(4, "little") + (4).to_bytes(4, "little")
DICTIONARIES = Path(__file__).resolve().parents[2] / "dictionaries"


def upgrade() -> None:
    pass  # new blobs are zstd; the stored ones read as they are


def downgrade() -> None:
    try:
        from compression import zstd
    except ImportError:
        from backports import zstd
    dictionary = (DICTIONARIES / "output-1.txt").read_bytes()
    zstd_dictionary = zstd.ZstdDict(dictionary, is_raw=True)
    bind = op.get_bind()
    last = 0
    while True:  # in batches by id: memory stays flat
        rows = bind.execute(sa.text("SELECT id, output FROM reports WHERE id > :last AND output IS NOT NULL "
                                    "ORDER BY id LIMIT 500"), {"last": last}).all()
        if not rows:
            break
        updates = []
        for report_id, blob in rows:
            blob = bytes(blob)
            if blob[:8] != ZSTD_PREFIX:
                continue
            number = int.from_bytes(blob[8:12], "little")
            if number != 1:
                raise RuntimeError(f"a report output uses dictionary output-{number}, newer than migration 0009 knows")
            data = zstd.decompress(blob[12:], zstd_dict=zstd_dictionary)
            compressor = zlib.compressobj(9, zdict=dictionary)
            updates.append({"id": report_id, "blob": compressor.compress(data) + compressor.flush()})
        if updates:
            bind.execute(sa.text("UPDATE reports SET output = :blob WHERE id = :id"), updates)
        last = rows[-1][0]
