"""tfparity.check: a user's own TF1 program and TF2 port proven equal step by step.

``check(make_inputs, tf1_run, tf2_run, ...)`` returns the report (``tfparity.check.parity``);
``tfparity.testing.assert_parity`` raises on it. Imported when called, so this stays light."""


def check(*args, **kwargs):
    """``tfparity.check.parity.check``."""
    from tfparity.check.parity import check as run
    return run(*args, **kwargs)
