"""Smaller parsed output on disk (issue 15, bytes per report):

- reports.output is compressed with a preset zlib dictionary (harvester/storage/dictionaries/
  output-1.txt: the canonical statistic keys, the JSON skeleton of a parser output, the labels and
  section titles of the national standard format), named by
  the blob's own zlib header (DICTID = the dictionary's Adler-32), and statistics are written as
  columns (field names once). Existing blobs are re-packed; downgrade writes them back as plain
  zlib JSON with a list of statistics (what 0004-0005 read).
- Raw pages: zstd with a dictionary per site (body_dictionaries: the site's first stored page, then one trained on 50 of its pages;
  harvester.storage.rawpages); bodies.dictionary_id names the dictionary a body needs. Bodies
  stored before stay zlib (readable as they are); downgrade turns zstd bodies back into zlib.
- The index on report_stats.key_id goes (about 0.85 KiB per report): readers select statistics
  by report (the primary key) or through current_statistics; a query by key scans the rows.

Revision ID: 0009
Revises: 0005
Create Date: 2026-12-01

"""
import json
import zlib
from pathlib import Path
from typing import Sequence, Union

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision: str = '0009'
down_revision: Union[str, Sequence[str], None] = '0005'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None

PACKED = ("body_text", "sections", "stats", "tables", "attachments", "cleaning")
# Dictionary 1 is frozen (a published dictionary never changes); read from the package so that
# the migration and the application use the very same bytes.
DICTIONARY = (Path(__file__).resolve().parents[2] / "dictionaries" / "output-1.txt").read_bytes()


def _dump(payload: dict) -> bytes:
    return json.dumps({n: payload.get(n) for n in PACKED}, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def _pack_v1(data: dict) -> bytes:
    # the encoding of harvester.storage.records.pack_output with dictionary 1 (kept here: a
    # migration must not change when the application code does)
    stats = data.get("stats")
    if stats and isinstance(stats, list) and all(isinstance(s, dict) for s in stats):
        fields = list(stats[0])
        if all(list(s) == fields for s in stats):
            data = dict(data, stats={"fields": fields, "rows": [list(s.values()) for s in stats]})
    compressor = zlib.compressobj(9, zdict=DICTIONARY)
    return compressor.compress(_dump(data)) + compressor.flush()


def _unpack(blob: bytes) -> dict:
    if blob[1] & 0x20:
        if int.from_bytes(blob[2:6], "big") != zlib.adler32(DICTIONARY):
            raise RuntimeError("a report output needs a dictionary newer than migration 0009 knows")
        decompressor = zlib.decompressobj(zdict=DICTIONARY)
        data = json.loads(decompressor.decompress(blob) + decompressor.flush())
    else:
        data = json.loads(zlib.decompress(blob))
    stats = data.get("stats")
    if isinstance(stats, dict) and "fields" in stats:
        data["stats"] = [dict(zip(stats["fields"], row)) for row in stats["rows"]]
    return data


def _repack(convert) -> None:
    """Every report's output through ``convert`` (batches by id: memory stays flat)."""
    bind = op.get_bind()
    last = 0
    while True:
        rows = bind.execute(sa.text("SELECT id, output FROM reports WHERE id > :last AND output IS NOT NULL "
                                    "ORDER BY id LIMIT 500"), {"last": last}).all()
        if not rows:
            break
        updates = [{"id": report_id, "blob": convert(_unpack(bytes(blob)))} for report_id, blob in rows]
        bind.execute(sa.text("UPDATE reports SET output = :blob WHERE id = :id"), updates)
        last = rows[-1][0]


def upgrade() -> None:
    op.drop_index('ix_report_stats_key_id', table_name='report_stats')
    _repack(_pack_v1)
    op.create_table('body_dictionaries',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('site_key', sa.String(length=64), nullable=False),
    sa.Column('kind', sa.String(length=16), server_default='raw', nullable=False),
    sa.Column('size', sa.Integer(), nullable=False),
    sa.Column('data', sa.LargeBinary(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['site_key'], ['sites.key'], name=op.f('fk_body_dictionaries_site_key_sites')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_body_dictionaries'))
    )
    op.create_index(op.f('ix_body_dictionaries_site_key'), 'body_dictionaries', ['site_key'], unique=False)
    # A plain column, no foreign key: SQLite adds and drops it in place (a constraint would make
    # the downgrade copy the bodies, which other tables reference). Dictionary rows are never
    # deleted (harvester.storage.rawpages).
    op.add_column('bodies', sa.Column('dictionary_id', sa.Integer(), nullable=True))


def _zstd():
    try:
        from compression import zstd
    except ImportError:
        from backports import zstd
    return zstd


def downgrade() -> None:
    bind = op.get_bind()
    zstd = _zstd()
    dictionaries = {}
    last = ""
    while True:  # zstd bodies back to zlib, in batches (memory stays flat)
        rows = bind.execute(sa.text("SELECT sha256, data, dictionary_id FROM bodies WHERE compression = 'zstd' "
                                    "AND sha256 > :last ORDER BY sha256 LIMIT 200"), {"last": last}).all()
        if not rows:
            break
        for sha, data, dictionary_id in rows:
            if dictionary_id is not None and dictionary_id not in dictionaries:
                kind, stored = bind.execute(sa.text("SELECT kind, data FROM body_dictionaries WHERE id = :id"),
                                            {"id": dictionary_id}).one()
                dictionaries[dictionary_id] = zstd.ZstdDict(zstd.decompress(bytes(stored)), is_raw=(kind == "raw"))
            raw = zstd.decompress(bytes(data), zstd_dict=dictionaries.get(dictionary_id))
            bind.execute(sa.text("UPDATE bodies SET compression = 'zlib', data = :data WHERE sha256 = :sha"),
                         {"data": zlib.compress(raw, 6), "sha": sha})
        last = rows[-1][0]
    op.drop_column('bodies', 'dictionary_id')
    op.drop_index(op.f('ix_body_dictionaries_site_key'), table_name='body_dictionaries')
    op.drop_table('body_dictionaries')
    _repack(lambda data: zlib.compress(_dump(data), 9))
    op.create_index('ix_report_stats_key_id', 'report_stats', ['key_id'], unique=False)
