"""Exceptions that carry a one-line, user-facing message (no traceback is shown for these)."""

from __future__ import annotations

from pathlib import Path


class UserError(Exception):
    """A mistake the user can fix: the message names the file/ID/URL and what to do."""


class CatalogueError(UserError):
    """The catalogue file cannot be opened or used (corrupt, foreign, newer, read-only)."""


class GuideFormatError(UserError):
    """A file handed to the importer is not a learning guide."""


def read_user_file(path: Path, what: str, *, max_bytes: int | None = None) -> bytes:
    """Read a file the user named, turning every OS error into one line naming the file.

    ``what`` says what the file should be ("a markdown guide file", "an OPML file").
    """
    try:
        if path.is_dir():
            raise UserError(f"{path}: is a directory; give {what}")
        if max_bytes is not None and path.stat().st_size > max_bytes:
            raise UserError(f"{path}: too large to be {what}")
        return path.read_bytes()
    except FileNotFoundError:
        raise UserError(f"{path}: no such file") from None
    except OSError as exc:
        raise UserError(f"{path}: cannot read ({exc.strerror or exc})") from None
