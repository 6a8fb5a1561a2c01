"""Exceptions that carry a one-line, user-facing message (no traceback is shown for these)."""


class UserError(Exception):
    """A mistake the user can fix: the message names the file/ID/URL and what to do."""


class CatalogueError(UserError):
    """The catalogue file cannot be opened or used (corrupt, foreign, newer, read-only)."""


class GuideFormatError(UserError):
    """A file handed to the importer is not a learning guide."""
