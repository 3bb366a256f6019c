"""``assert_parity`` and ``assert_replay`` for a user's own test suite, as numpy.testing and
torch.testing.assert_close are used: the TF1 run (or its recording) is ``desired``; a mismatch
raises AssertionError whose message is the report."""
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


def assert_replay(recording, make_port, name_map=None, tolerances=None):
    """``tfparity check --recording`` in a test: the port ``make_port`` (``tfparity.record.replay``'s
    contract) replayed into ``recording`` (a path, or ``recording.load``'s), ``name_map`` as ``--map``
    gives it, ``tolerances`` {mode: [Bound]}. Raise AssertionError naming the first difference of
    the teacher-forced or free-running steps beyond what is allowed; return replay's result otherwise.
    The recording and the port not fitting together raises ``tfparity.record.replay.ReplayError``."""
    from tfparity.record import recording as recordings, replay
    recorded = recordings.load(recording) if not isinstance(recording, dict) else recording
    result = replay.replay(recorded, make_port, name_map, lambda mode: replay.bound_for(tolerances or {}, mode, recorded))
    if not (result["teacher_forced"].ok and result["free_running"].ok):
        lines = [f"teacher-forced: {result['teacher_forced']}", f"free-running: {result['free_running']}"]
        if result["confirmation"] is not None:
            lines.append(f"in float64: {result['confirmation']['detail']}")
        raise AssertionError("\n".join(lines))
    return result
