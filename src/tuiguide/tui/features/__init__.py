"""Features of the browse screen: study, feeds, search (their keys and nodes)."""
