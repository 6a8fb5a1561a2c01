"""Text safety: outside text made inert, and URL identity."""
