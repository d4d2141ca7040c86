"""`--redact persons`: an edition of the tables (and so of the report and the workbook)
safe to publish, with natural persons replaced by role labels (redaction.py says how).

Light on import (the CLI checks the mode before anything heavy is loaded): pandas and the
redaction itself are imported when tables are redacted.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import pandas as pd

    from pipeline.redact.redaction import Redaction

MODES = ("persons",)


def check_mode(mode: str | None) -> None:
    """ValueError naming the modes when `mode` is not one."""
    if mode is not None and mode not in MODES:
        raise ValueError(f"--redact {mode!r} is not known: the one mode is "
                         f"{', '.join(MODES)}")


def already_redacted(tables_dir: Path) -> bool:
    """Whether the tables folder is a redacted extraction (its manifest says so)."""
    try:
        manifest = json.loads((Path(tables_dir) / "manifest.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False
    return isinstance(manifest, dict) and manifest.get("redacted") in MODES


def _chunks(table: Any) -> Iterable[pd.DataFrame]:
    import pandas as pd

    if table is None:
        return ()
    return [table] if isinstance(table, pd.DataFrame) else table()


def redact_tables(tables: dict[str, Any], pages: Any = None) -> dict[str, Any]:
    """The tables with persons redacted. A table is a frame or, as the store takes it, a
    function that yields its chunks: frames stay frames, chunked tables stay chunked (each
    chunk redacted as it is read). The page texts are `tables["pages"]` unless given apart
    (the report keeps them apart); given apart, they are returned as "pages" too."""
    import pandas as pd

    from pipeline.redact.redaction import Redaction

    if pages is None:
        pages = tables.get("pages")
    redaction = Redaction.learn(_chunks(tables.get("signatories")), lambda: _chunks(pages),
                                _chunks(tables.get("parties")))
    out: dict[str, Any] = {}
    for name, table in {**tables, **({"pages": pages} if pages is not None else {})}.items():
        if isinstance(table, pd.DataFrame):
            out[name] = redaction.frame(name, table)
        else:
            out[name] = partial(_redacted_chunks, redaction, name, table)
    return out


def _redacted_chunks(redaction: Redaction, name: str,
                     table: Callable[[], Iterable[pd.DataFrame]]) -> Iterable[pd.DataFrame]:
    for chunk in table():
        yield redaction.frame(name, chunk)


def redact_report_tables(tables: dict[str, pd.DataFrame], pages: Any) -> tuple[dict, Any]:
    """The report's tables and its page texts (a report.model.PageTexts) redacted."""
    import pandas as pd
    import pyarrow as pa

    from pipeline.report.model import PageTexts

    frame = pages.table.to_pandas(types_mapper={
        pa.string(): pd.StringDtype(), pa.int64(): pd.Int64Dtype(),
        pa.bool_(): pd.BooleanDtype()}.get)
    out = redact_tables(tables, frame)
    redacted_pages = pa.Table.from_pandas(out.pop("pages"), schema=pages.table.schema,
                                          preserve_index=False)
    return out, PageTexts(redacted_pages)


__all__ = ["MODES", "already_redacted", "check_mode", "redact_report_tables",
           "redact_tables"]
