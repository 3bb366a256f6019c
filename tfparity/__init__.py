"""The parity harness: run twins on shared inputs, compare their traces, report, and the CLI.

For a user's own pair: ``tfparity.check`` (a report) and ``tfparity.testing.assert_parity``."""


def check(*args, **kwargs):
    """``tfparity.parity.check``: imported when called, so ``import tfparity`` stays light."""
    from tfparity.parity import check as run
    return run(*args, **kwargs)
