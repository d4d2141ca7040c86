"""Checks: pure functions from tables to flag rows (filled in by the checks issue)."""

from __future__ import annotations

import pandas as pd


def run_checks(tables: dict[str, pd.DataFrame]) -> list[dict]:
    return []


def link_documents(tables: dict[str, pd.DataFrame]) -> list[dict]:
    return []
