"""Spaced review of finished resources: FSRS scheduling (``scheduler``) and its rows (``store``)."""
