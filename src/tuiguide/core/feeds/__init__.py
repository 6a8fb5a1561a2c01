"""Feeds: fetching, parsing, storing, the Inbox, OPML and the topic suggester."""
