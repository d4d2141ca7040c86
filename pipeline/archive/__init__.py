"""The archive as a whole: renderings as one document, organisations as one entity across
documents, and the money they pay and receive per year (tables and DuckDB views).

A pure stage over the tables, run after the checks: it reads the tables and gives tables.
"""

from __future__ import annotations

import pandas as pd

from pipeline import schemas

# What the stage reads of the fact tables (pipeline.run reads only these columns).
COLUMNS = {
    "parties": ["doc_id", "name", "org_number", "role"],
    "amounts": ["doc_id", "amount_id", "amount_sek", "payer", "payee", "basis", "in_kind",
                "role", "ceiling", "period_start", "period_end", "part_of", "same_as"],
    "periods": ["doc_id", "kind", "start_date", "end_date"],
}


def archive_tables(documents: pd.DataFrame, links: pd.DataFrame, parties: pd.DataFrame,
                   amounts: pd.DataFrame, periods: pd.DataFrame) -> dict[str, pd.DataFrame]:
    """organisations, organisation_names, agreements, funding_amounts, funding_detail and
    the views over them (pipeline.archive.views), each as its schema's frame."""
    from pipeline.archive import funding, organisations, views

    # plain objects, None for missing: a comparison with a missing value is False, not NA
    documents, links, parties, amounts, periods = (
        df.astype(object).where(df.notna(), None)
        for df in (documents, links, parties, amounts, periods))
    orgs = organisations.organisations(documents, parties, amounts)
    organisation_table, names = orgs.tables()
    listed, detail = funding.funding(documents, links, amounts, periods, orgs)
    frames = {"organisations": organisation_table, "organisation_names": names,
              "funding_amounts": listed, "funding_detail": detail}
    frames = {name: _typed(name, df) for name, df in frames.items()}
    frames["agreements"] = _typed("agreements", funding.agreements(
        documents, links, parties, periods, frames["funding_detail"], orgs))
    frames.update({name: _typed(name, df) for name, df in views.compute(frames).items()})
    return {name: frames[name] for name in schemas.ARCHIVE_TABLES}


def _typed(name: str, df: pd.DataFrame) -> pd.DataFrame:
    rows = df.astype(object).where(df.notna(), None).to_dict("records") if len(df) else []
    frame = schemas.frame(name, rows)
    schemas.validate(name, frame)
    return frame
