"""The user's own part of the catalogue: links they add (origin ``user``) and tags."""
