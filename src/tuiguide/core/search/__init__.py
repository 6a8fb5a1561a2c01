"""Search: the query language, the ranked engine, and the palette's jump."""
