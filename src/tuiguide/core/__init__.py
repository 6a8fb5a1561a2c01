"""The core: catalogue storage, guides, study, search, feeds and backups (no Textual, Rich or click)."""
