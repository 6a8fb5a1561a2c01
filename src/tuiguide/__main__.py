"""``python -m tuiguide``: the same as the ``tuiguide`` command."""

from tuiguide.cli.main import main

main()
