"""Rich renderables shared by the CLI and the app (no Textual)."""
