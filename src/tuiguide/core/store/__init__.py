"""The one owner of the catalogue file: connection, migrations, row mapping, queries, full-text index."""
