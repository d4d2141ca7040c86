"""iop: read archives of Swedish IOP documents into normalized, checked tables."""

__version__ = "0.1.0"
