"""Articles: the text behind a link fetched, extracted and stored for reading offline, and
the health of every link fetched (ok, failing, dead)."""
