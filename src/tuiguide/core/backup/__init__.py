"""Backups: the markdown journal and JSON export, and restoring a JSON export."""
