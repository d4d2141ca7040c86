"""Organisation names: sector from the words they end in, and a canonical form for joining.

Both live in pipeline.identity (one notion of who is who for the whole pipeline); this
module keeps the names the extractors import.
"""

from __future__ import annotations

from pipeline.identity import normalized, sector

__all__ = ["normalized", "sector"]
