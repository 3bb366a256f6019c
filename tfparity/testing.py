"""``assert_parity`` for a user's own test suite, as numpy.testing and torch.testing.assert_close
are used: the TF1 run is ``desired``; a mismatch raises AssertionError whose message is the report."""
from tfparity.check.parity import check


def assert_parity(make_inputs, tf1_run, tf2_run, seed=0, modes=None, tolerances=None, tf2_loop=None,
                  attribute=True, strict=False, tf2_step=None):
    """Raise AssertionError naming the first diverging step, field and values of any mode that
    differs beyond the bounds allowed for its active causes (or of a run that compared nothing);
    return the report otherwise. A bound that is not a rounding bound raises ValueError; the
    user's code raising, exiting or returning no trace raises tfparity.check.specs.UserCodeError."""
    report = check(make_inputs, tf1_run, tf2_run, seed, modes, tolerances, tf2_loop, attribute, strict,
                   tf2_step=tf2_step)
    if not report.ok:
        raise AssertionError(str(report))
    return report
