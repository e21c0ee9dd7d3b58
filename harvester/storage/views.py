"""The views for readers without SQL: ``current_reports`` and ``current_statistics``.

current_reports: the current version of every report, with the body's identity (key, canonical
name, region from the sites table) beside the name the page printed.
current_statistics: every statistic of those reports in its normalised unit (money in 元, counts in
their counting unit), with the value and unit as printed: the rules of harvester.units, in SQL
(tests hold the two equal).

Created by migration 0006. Views are derived objects: :func:`harvester.storage.engine.upgrade`
drops them before running migrations and creates them again at the head, because SQLite cannot
rebuild a table (Alembic's batch mode: copy, drop, rename) while a view names it.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import text

VIEW_NAMES = ("current_statistics", "current_reports")

#: Printed money unit -> factor to 元; the default unit where none was printed, per key.
_FACTOR = "CASE st.unit WHEN '元' THEN 1 WHEN '万元' THEN 10000 WHEN '亿元' THEN 100000000 WHEN '千元' THEN 1000 ELSE {default} END"


def _value(dialect: str) -> str:
    # PostgreSQL rounds NUMERIC only (not double precision).
    money = "CAST(st.value * {f} AS NUMERIC)" if dialect == "postgresql" else "st.value * {f}"
    return (
        "CASE WHEN st.key IN ('fees.collected', 'fees.waived') THEN ROUND("
        + money.format(f=_FACTOR.format(default=1)) + ", 2) "
        "WHEN st.key IN ('admin_fees.amount', 'procurement.amount') THEN ROUND("
        + money.format(f=_FACTOR.format(default=10000)) + ", 2) ELSE st.value END"
    )


_UNIT = (
    "CASE WHEN st.key IN ('fees.collected', 'fees.waived', 'admin_fees.amount', 'procurement.amount') THEN '元' "
    "WHEN st.key LIKE 'proactive.policy_interpretations%' THEN '篇' "
    "WHEN st.key LIKE 'proactive.normative_documents%' THEN '件' "
    "WHEN st.key LIKE 'proactive.%' THEN '条' "
    "WHEN st.key LIKE 'press_conferences%' THEN '场' ELSE '件' END"
)


def _number(expr: str, dialect: str) -> str:
    # SQLite keeps REAL; whole numbers read as integers (a count of 3, not 3.0).
    if dialect == "sqlite":
        return f"CASE WHEN ({expr}) = CAST(({expr}) AS INTEGER) THEN CAST(({expr}) AS INTEGER) ELSE ({expr}) END"
    return expr




def view_statements(dialect: str) -> list[str]:
    return [
        "CREATE VIEW current_reports AS "
        "SELECT r.id AS report_id, r.site_key AS body_key, s.agency AS body_name, s.region AS body_region, "
        "r.report_year, r.agency AS agency_printed, r.title, r.published_date, r.signed_date, r.publisher, "
        "r.index_no, r.doc_no, r.url, r.version, r.parser_version, p.gone_at AS page_gone_at, "
        "(SELECT COUNT(*) FROM report_stats x WHERE x.report_id = r.id) AS stats_count "
        "FROM reports r JOIN sites s ON s.key = r.site_key JOIN pages p ON p.id = r.page_id "
        "WHERE r.is_current",
        "CREATE VIEW current_statistics AS "
        "SELECT r.id AS report_id, r.site_key AS body_key, s.agency AS body_name, s.region AS body_region, "
        "r.report_year, r.agency AS agency_printed, k.key, "
        f"{_number(_value(dialect), dialect).replace('st.key', 'k.key')} AS value, "
        f"{_UNIT.replace('st.key', 'k.key')} AS unit, "
        f"{_number('st.value', dialect)} AS value_printed, COALESCE(st.unit, '') AS unit_printed, "
        "lt.text AS label, st.source, sc.text AS section, r.url "
        # statistic rows carry numbers for their key, label and section (migration 0004)
        "FROM report_stats st JOIN stat_keys k ON k.id = st.key_id "
        "LEFT JOIN stat_texts lt ON lt.id = st.label_id LEFT JOIN stat_texts sc ON sc.id = st.section_id "
        "JOIN reports r ON r.id = st.report_id JOIN sites s ON s.key = r.site_key "
        "WHERE r.is_current",
    ]


def create_views(connection: Any) -> None:
    for statement in view_statements(connection.dialect.name):
        connection.execute(text(statement))


def drop_views(connection: Any) -> None:
    for name in VIEW_NAMES:
        connection.execute(text(f"DROP VIEW IF EXISTS {name}"))
