"""Learning guides: parsing their markdown and importing them into the catalogue."""
