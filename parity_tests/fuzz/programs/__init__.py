"""A user's code as the fuzz table of ``tfparity check`` runs it (parity_tests/fuzz/test_check.py):
``pair`` is a small pair that agrees, with the ways a user's port can go wrong beside it; each
``*_at_import`` module stops the run while it is imported."""
