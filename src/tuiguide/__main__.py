"""``python -m tuiguide``: the same as the ``tuiguide`` command."""

from tuiguide.cli import main

main()
