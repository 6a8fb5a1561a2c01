"""Screens: browse (the main one), help, stats, feeds, and the dialogs."""
