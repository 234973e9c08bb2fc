"""Katalog Inovasi: a Pelican-based static catalogue of government innovations."""

__version__ = "0.2.0"
