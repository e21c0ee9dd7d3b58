"""Statistics a reader can use without knowing the report formats: every value with a unit,
whole numbers as integers, money in one unit (元) with the printed value and unit kept.

The parser keeps each statistic as printed (``unit`` is often empty: the standard tables print
their units once in a header, free text mixes 件/宗/起). Exports apply :func:`normalise` so that
a column of one key reads across bodies and years. Units per key follow the statistics
vocabulary (docs/design.md): the national table format prints money in 万元 (行政事业性收费,
政府集中采购), the free-text fee statements in 元.
"""

from __future__ import annotations

from dataclasses import dataclass

#: The one unit money is normalised to.
MONEY_UNIT = "元"
#: Printed money units and their factor to 元.
MONEY_FACTORS = {"元": 1, "万元": 10_000, "亿元": 100_000_000, "千元": 1_000}
#: Money keys and the unit assumed when the report printed none (the format's own header unit).
MONEY_KEYS = {"fees.collected": "元", "fees.waived": "元", "admin_fees.amount": "万元", "procurement.amount": "万元"}


def count_unit(key: str) -> str:
    """The counting unit of a non-money key (what the vocabulary counts)."""
    if key.startswith("proactive.policy_interpretations"):
        return "篇"
    if key.startswith("proactive.") and not key.startswith("proactive.normative_documents"):
        return "条"
    if key.startswith("press_conferences"):
        return "场"
    return "件"


def is_money(key: str) -> bool:
    return key in MONEY_KEYS


@dataclass(frozen=True)
class Measure:
    value: int | float
    unit: str
    value_printed: int | float
    #: The unit printed in the report ('' when it printed none).
    unit_printed: str


def as_number(value: int | float | str | None) -> int | float | None:
    """Whole numbers as int (a count is never 3.0), others as float."""
    if value is None or value == "":
        return None
    number = float(value)
    return int(number) if number.is_integer() else number


def normalise(key: str, value: int | float, unit: str | None) -> Measure:
    """The statistic in its normalised unit, with the printed value and unit kept."""
    printed_unit = (unit or "").strip()
    printed = as_number(value)
    if is_money(key):
        source_unit = printed_unit if printed_unit in MONEY_FACTORS else MONEY_KEYS[key]
        converted = round(float(printed) * MONEY_FACTORS[source_unit], 2)
        return Measure(as_number(converted), MONEY_UNIT, printed, printed_unit)
    return Measure(printed, count_unit(key), printed, printed_unit)
