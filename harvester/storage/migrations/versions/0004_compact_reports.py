"""Parallel re-parse batches (reparse_batches) and compact parsed output: the long part of each
report version (body text, sections, statistics with labels, tables, attachments, cleaning) in
one zlib-compressed JSON column reports.output; statistic rows keep value, unit and source with
numbered key, label and section (stat_keys, stat_texts: they repeat across reports), clustered
on (report_id, position). The current_statistics view (0006) joins them back.

Existing reports are converted: their JSON columns and labelled rows are packed into output.

Revision ID: 0004
Revises: 0008 (written on 0002; relinked after merging main, before the views of 0006)
Create Date: 2026-12-01

"""
import json
import zlib
from typing import Sequence, Union

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision: str = '0004'
down_revision: Union[str, Sequence[str], None] = '0008'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None

PACKED = ("body_text", "sections", "stats", "tables", "attachments", "cleaning")


def _json(value):
    if value is None or isinstance(value, (list, dict)):
        return value
    return json.loads(value)


def _pack(payload: dict) -> bytes:
    # the same encoding as harvester.storage.records.pack_output (kept here: a migration must not
    # change when the application code does)
    data = json.dumps({n: payload.get(n) for n in PACKED}, ensure_ascii=False, separators=(",", ":"))
    return zlib.compress(data.encode("utf-8"), 9)


def _stat_value(value):
    return int(value) if float(value).is_integer() else value


def upgrade() -> None:
    bind = op.get_bind()
    sqlite = bind.dialect.name == "sqlite"
    op.create_table('reparse_batches',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('run_id', sa.Integer(), nullable=False),
    sa.Column('first_page_id', sa.Integer(), nullable=False),
    sa.Column('last_page_id', sa.Integer(), nullable=False),
    sa.Column('pages', sa.Integer(), nullable=False),
    sa.Column('state', sa.String(length=16), server_default='pending', nullable=False),
    sa.Column('worker', sa.String(length=255), nullable=True),
    sa.Column('claimed_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('done_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('tally', sa.JSON(), nullable=True),
    sa.ForeignKeyConstraint(['run_id'], ['harvest_runs.id'], name=op.f('fk_reparse_batches_run_id_harvest_runs')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_reparse_batches'))
    )
    op.create_index('ix_reparse_batches_run_state', 'reparse_batches', ['run_id', 'state'], unique=False)
    op.create_table('stat_keys',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('key', sa.String(length=200), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_stat_keys')),
    sa.UniqueConstraint('key', name=op.f('uq_stat_keys_key'))
    )
    op.create_table('stat_texts',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_stat_texts')),
    sa.UniqueConstraint('text', name=op.f('uq_stat_texts_text'))
    )
    op.add_column('reports', sa.Column('output', sa.LargeBinary(), nullable=True))

    # pack every existing version (batches by id: memory stays flat)
    last = 0
    while True:
        reports = bind.execute(sa.text(
            "SELECT id, body_text, sections, tables, cleaning FROM reports WHERE id > :last ORDER BY id LIMIT 500"),
            {"last": last}).all()
        if not reports:
            break
        ids = [r[0] for r in reports]
        stats: dict = {}
        for report_id, key, value, unit, label, source, section in bind.execute(sa.text(
                "SELECT report_id, key, value, unit, label, source, section FROM report_stats "
                "WHERE report_id >= :lo AND report_id <= :hi ORDER BY report_id, position"),
                {"lo": ids[0], "hi": ids[-1]}):
            # origin/confidence (files, 0005) were never columns: a page value has neither
            stats.setdefault(report_id, []).append({"key": key, "value": _stat_value(value), "unit": unit,
                                                    "label": label, "source": source, "section": section,
                                                    "origin": None, "confidence": None})
        attachments: dict = {}
        for report_id, url, name, kind in bind.execute(sa.text(
                "SELECT report_id, url, name, kind FROM report_attachments "
                "WHERE report_id >= :lo AND report_id <= :hi ORDER BY report_id, position"),
                {"lo": ids[0], "hi": ids[-1]}):
            attachments.setdefault(report_id, []).append({"url": url, "name": name, "kind": kind})
        for report_id, body_text, sections, tables, cleaning in reports:
            blob = _pack({"body_text": body_text or "", "sections": _json(sections) or [],
                          "stats": stats.get(report_id, []), "tables": _json(tables) or [],
                          "attachments": attachments.get(report_id, []), "cleaning": _json(cleaning) or {}})
            bind.execute(sa.text("UPDATE reports SET output = :blob WHERE id = :id"), {"blob": blob, "id": report_id})
        last = ids[-1]

    # statistic rows: numbered keys, no labels, clustered on (report_id, position)
    op.rename_table('report_stats', 'report_stats_0002')
    if not sqlite:  # the primary key's index is a relation named like the new one's
        op.execute("ALTER TABLE report_stats_0002 RENAME CONSTRAINT pk_report_stats TO pk_report_stats_0002")
    op.create_table('report_stats',
    sa.Column('report_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('key_id', sa.Integer(), nullable=False),
    sa.Column('value', sa.Float(), nullable=False),
    sa.Column('unit', sa.String(length=32), nullable=True),
    sa.Column('source', sa.String(length=16), nullable=True),
    sa.Column('label_id', sa.Integer(), nullable=True),
    sa.Column('section_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['key_id'], ['stat_keys.id'], name=op.f('fk_report_stats_key_id_stat_keys')),
    sa.ForeignKeyConstraint(['label_id'], ['stat_texts.id'], name=op.f('fk_report_stats_label_id_stat_texts')),
    sa.ForeignKeyConstraint(['section_id'], ['stat_texts.id'], name=op.f('fk_report_stats_section_id_stat_texts')),
    sa.ForeignKeyConstraint(['report_id'], ['reports.id'], name=op.f('fk_report_stats_report_id_reports')),
    sa.PrimaryKeyConstraint('report_id', 'position', name=op.f('pk_report_stats')),
    sqlite_with_rowid=False,
    )
    op.execute("INSERT INTO stat_keys (key) SELECT DISTINCT key FROM report_stats_0002 ORDER BY key")
    op.execute("INSERT INTO stat_texts (text) SELECT label FROM report_stats_0002 WHERE label IS NOT NULL "
               "UNION SELECT section FROM report_stats_0002 WHERE section IS NOT NULL")
    op.execute("INSERT INTO report_stats (report_id, position, key_id, value, unit, source, label_id, section_id) "
               "SELECT s.report_id, s.position, k.id, s.value, s.unit, s.source, l.id, t.id "
               "FROM report_stats_0002 s JOIN stat_keys k ON k.key = s.key "
               "LEFT JOIN stat_texts l ON l.text = s.label LEFT JOIN stat_texts t ON t.text = s.section")
    op.drop_index('ix_report_stats_report_position', table_name='report_stats_0002')
    op.drop_index('ix_report_stats_key', table_name='report_stats_0002')
    op.drop_table('report_stats_0002')
    op.create_index('ix_report_stats_key_id', 'report_stats', ['key_id'], unique=False)
    for column in ('body_text', 'sections', 'tables', 'cleaning'):
        # SQLite >= 3.35 drops a plain column in place (no table copy)
        op.execute(f"ALTER TABLE reports DROP COLUMN {column}")


def downgrade() -> None:
    bind = op.get_bind()
    with op.batch_alter_table('reports', schema=None) as batch_op:
        batch_op.add_column(sa.Column('body_text', sa.Text(), nullable=False, server_default=''))
        batch_op.add_column(sa.Column('sections', sa.JSON(), nullable=False, server_default='[]'))
        batch_op.add_column(sa.Column('tables', sa.JSON(), nullable=False, server_default='[]'))
        batch_op.add_column(sa.Column('cleaning', sa.JSON(), nullable=False, server_default='{}'))
    op.rename_table('report_stats', 'report_stats_0004')
    if bind.dialect.name != "sqlite":
        op.execute("ALTER TABLE report_stats_0004 RENAME CONSTRAINT pk_report_stats TO pk_report_stats_0004")
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
    stats_table = sa.table('report_stats', *(sa.column(n) for n in (
        'report_id', 'position', 'key', 'value', 'unit', 'label', 'source', 'section')))
    for report_id, blob in bind.execute(sa.text("SELECT id, output FROM reports WHERE output IS NOT NULL")).all():
        data = json.loads(zlib.decompress(blob))
        bind.execute(sa.text("UPDATE reports SET body_text = :b, sections = :s, tables = :t, cleaning = :c WHERE id = :id"),
                     {"b": data.get("body_text") or "", "s": json.dumps(data.get("sections") or [], ensure_ascii=False),
                      "t": json.dumps(data.get("tables") or [], ensure_ascii=False),
                      "c": json.dumps(data.get("cleaning") or {}, ensure_ascii=False), "id": report_id})
        rows = [{"report_id": report_id, "position": i, "key": s.get("key"), "value": float(s["value"]),
                 "unit": s.get("unit"), "label": s.get("label"), "source": s.get("source"), "section": s.get("section")}
                for i, s in enumerate(data.get("stats") or []) if s.get("value") is not None]
        if rows:
            bind.execute(stats_table.insert(), rows)
    op.drop_index('ix_report_stats_key_id', table_name='report_stats_0004')
    op.drop_table('report_stats_0004')
    op.create_index('ix_report_stats_key', 'report_stats', ['key'], unique=False)
    op.create_index('ix_report_stats_report_position', 'report_stats', ['report_id', 'position'], unique=False)
    op.execute("ALTER TABLE reports DROP COLUMN output")
    op.drop_table('stat_keys')
    op.drop_table('stat_texts')
    op.drop_index('ix_reparse_batches_run_state', table_name='reparse_batches')
    op.drop_table('reparse_batches')
