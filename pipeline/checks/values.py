"""Small helpers the checks share: reading frame columns, writing values the Swedish way,
and evidence quotes."""

from __future__ import annotations

import math

import pandas as pd


def text(df: pd.DataFrame, column: str) -> pd.Series:
    """A string column with missing values as ''."""
    return df[column].astype("string").fillna("")


def rows_of(df: pd.DataFrame) -> list[dict]:
    """The frame's rows as dicts, missing values as None: DataFrame.to_dict("records")
    without its per-cell boxing (Arrow string columns make that slow)."""
    columns = list(df.columns)
    values = [df[c].astype(object).where(df[c].notna(), None).tolist() for c in columns]
    return [dict(zip(columns, row, strict=True)) for row in zip(*values, strict=True)]


def dates(df: pd.DataFrame, column: str) -> pd.Series:
    return pd.to_datetime(df[column], format="%Y-%m-%d", errors="coerce")


def kr(amount: int) -> str:
    """300500 -> '300 500 kr'."""
    return f"{int(amount):,} kr".replace(",", " ")


def kr_sum(parts: list[int]) -> str:
    """[100000, 200500] -> '100 000 + 200 500 kr'."""
    return " + ".join(f"{int(p):,}".replace(",", " ") for p in parts) + " kr"


def months_between(start: pd.Timestamp, end: pd.Timestamp) -> float:
    """Length of start..end inclusive in months: 2023-04-01..2024-03-31 -> 12.0."""
    after = end + pd.Timedelta(days=1)
    return (after.year - start.year) * 12 + (after.month - start.month) + \
        (after.day - start.day) / 30.44


def months_between_columns(start: pd.Series, end: pd.Series) -> pd.Series:
    """months_between over two datetime columns at once (NaN where either is missing)."""
    after = end + pd.Timedelta(days=1)
    return ((after.dt.year - start.dt.year) * 12 + (after.dt.month - start.dt.month) +
            (after.dt.day - start.dt.day) / 30.44).astype(float)


def duration_text(months: float) -> str:
    """12 -> '1 år', 36 -> '3 år', 18 -> '18 månader', 1 -> '1 månad'."""
    whole = int(round(months))
    if abs(months - whole) > 0.05:
        return f"{months:.1f} månader".replace(".", ",")
    if whole and whole % 12 == 0:
        return f"{whole // 12} år"
    return f"{whole} månad" if whole == 1 else f"{whole} månader"


def _plain(value):
    if value is None or value is pd.NA:
        return None
    if isinstance(value, float) and math.isnan(value):
        return None
    if hasattr(value, "item"):  # numpy / pandas scalars
        return value.item()
    return value


def evidence(row, table: str, value) -> dict:
    """Where a value was read, so a person can check it: doc, page, offsets, quote."""
    return {
        "doc_id": row["doc_id"],
        "page": _plain(row.get("page")),
        "char_start": _plain(row.get("char_start")),
        "char_end": _plain(row.get("char_end")),
        "quote": _plain(row.get("quote")) or "",
        "table": table,
        "value": _plain(value),
    }
