"""AulaLocal: an offline catalog for rural schools."""

__version__ = "0.1.0"
