"""``python -m tfparity.cli``: the ``tfparity`` command, as the installed script runs it."""
from tfparity.cli import console

console()
