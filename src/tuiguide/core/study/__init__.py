"""Studying: reading order (Up next), progress numbers and the activity log."""
