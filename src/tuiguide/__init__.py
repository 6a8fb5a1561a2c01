"""tuiguide: a keyboard-driven terminal study companion for curated learning guides."""

__version__ = "0.1.0"
