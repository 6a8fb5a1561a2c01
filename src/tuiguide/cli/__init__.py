"""The ``tuiguide`` command: one module per command group."""
