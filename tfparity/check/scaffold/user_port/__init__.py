"""A TF1 program (``old``), its TF2 port (``new``) and their shared inputs (``data``), proven
equal by the test beside this folder: ``python -m pytest`` or ``tfparity check`` (see the test)."""
