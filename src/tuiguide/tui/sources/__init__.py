"""List sources: what the item list shows (guide items, the Inbox, search results)."""
