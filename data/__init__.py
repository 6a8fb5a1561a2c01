"""Bundled guides (installed as the ``tuiguide.data`` package)."""
