"""The archive's views: SQL over funding_detail, agreements and organisations.

One text of each view serves twice: run here on the frames (DuckDB in memory) it gives
the tables written as CSV and Parquet, and the same SQL is a VIEW in iop.duckdb, so a
figure in a CSV can be read back to its SQL and from there to the amount rows it sums
(funding_detail: agreement, document, amount_id, year). Two kinds of view take a
parameter and are DuckDB table macros (and, for today, plain views):

    select * from agreements_active_on(DATE '2024-06-30');
    select * from agreements_expiring(DATE '2024-06-30', 6);   -- within 6 months
"""

from __future__ import annotations

import duckdb
import pandas as pd

# Money per organisation and year: what it received (as payee, cash), what it paid (as
# payer, cash, to any payee or none) and what it put in in kind.
FUNDING_BY_ORGANISATION_YEAR = """
with flows as (
    select payee_id as organisation_id, year, sek as received_sek, 0 as paid_sek,
           0 as in_kind_sek, amount_id, doc_id
    from funding_detail where payee_id is not null and not in_kind
    union all
    select payer_id, year, 0, sek, 0, amount_id, doc_id
    from funding_detail where payer_id is not null and not in_kind
    union all
    select payer_id, year, 0, 0, sek, amount_id, doc_id
    from funding_detail where payer_id is not null and in_kind
)
select f.organisation_id, o.name as organisation, o.kind, f.year,
       sum(received_sek)::BIGINT as received_sek, sum(paid_sek)::BIGINT as paid_sek,
       sum(in_kind_sek)::BIGINT as in_kind_sek,
       count(distinct f.doc_id || ':' || f.amount_id)::BIGINT as amounts
from flows f left join organisations o using (organisation_id)
group by all
order by f.organisation_id, f.year nulls last
"""

# Money per payer (a municipality, a region, an organisation's own money) and year.
FUNDING_BY_PAYER_YEAR = """
select d.payer_id, o.name as payer, o.kind, d.year,
       sum(sek) filter (where not in_kind)::BIGINT as cash_sek,
       sum(sek) filter (where not in_kind and payee_id is null)::BIGINT as unallocated_sek,
       sum(sek) filter (where in_kind)::BIGINT as in_kind_sek,
       count(distinct payee_id)::BIGINT as payees,
       string_agg(distinct payer_unit, ' | ' order by payer_unit) as units,
       count(distinct d.doc_id || ':' || d.amount_id)::BIGINT as amounts
from funding_detail d left join organisations o on o.organisation_id = d.payer_id
where d.payer_id is not null
group by all
order by d.payer_id, d.year nulls last
"""

# The archive's money per year, cash and in kind apart.
FUNDING_BY_YEAR = """
select year,
       sum(sek) filter (where not in_kind)::BIGINT as cash_sek,
       sum(sek) filter (where in_kind)::BIGINT as in_kind_sek,
       count(distinct agreement_id)::BIGINT as agreements,
       count(distinct doc_id || ':' || amount_id)::BIGINT as amounts
from funding_detail
group by year
order by year nulls last
"""

VIEWS = {
    "funding_by_organisation_year": FUNDING_BY_ORGANISATION_YEAR,
    "funding_by_payer_year": FUNDING_BY_PAYER_YEAR,
    "funding_by_year": FUNDING_BY_YEAR,
}

# Parameterised: table macros, and their form for today.
MACROS = [
    """create or replace macro agreements_active_on(day) as table
       select * from agreements
       where status = 'current' and start_date <= day
         and (end_date is null or end_date >= day)""",
    """create or replace macro agreements_expiring(day, months) as table
       select * from agreements
       where status = 'current' and end_date >= day
         and end_date < day + to_months(months)""",
    """create or replace view agreements_active as
       select * from agreements_active_on(current_date)""",
    """create or replace view agreements_expiring_6_months as
       select * from agreements_expiring(current_date, 6)""",
]


def compute(tables: dict[str, pd.DataFrame]) -> dict[str, pd.DataFrame]:
    """The views' rows from the frames they read (funding_detail, organisations)."""
    con = duckdb.connect()
    try:
        for name in ("funding_detail", "organisations"):
            con.register(name, tables[name])
        return {name: con.execute(sql).df() for name, sql in VIEWS.items()}
    finally:
        con.close()


def statements() -> list[str]:
    """What iop.duckdb runs after loading the tables: the views and the macros."""
    return [f"create or replace view {name} as {sql}" for name, sql in VIEWS.items()] + MACROS
