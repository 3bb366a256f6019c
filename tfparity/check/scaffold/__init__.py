"""The files ``tfparity new NAME`` writes into a user's directory: a package ``user_port`` (renamed
NAME) of three modules (``data``: the shared inputs, ``old``: the TF1 program, ``new``: its TF2
port) and ``port_test.py`` (written as test_NAME.py), a pytest file using ``assert_parity``.
They are a complete, passing example (a least-squares fit of a line), each marked where to put one's own code.
"""
from pathlib import Path

FOLDER = Path(__file__).parent
PACKAGE, TEST = FOLDER / "user_port", FOLDER / "port_test.py"
PLACEHOLDER = "user_port"  # the package name in port_test.py's import, replaced by NAME
