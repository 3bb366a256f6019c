"""``tfparity check --step`` on a TF1 ``BasicLSTMCell`` program ported to stock ``keras.layers.LSTM``
(parity_tests/planted/lstm.py): Keras's two matrix products and its folded forget bias are a
reformulation, measured, confirmed in float64 and then passed; the slips such a port makes (the gates
in TF1's order, forget_bias dropped, the learning rate off) fail that bound where they act."""
import pytest

from tfparity import cli
from tfparity.core.exits import Exit

LSTM = "parity_tests.planted.lstm"
KERAS = "Keras LSTM's x W + h U for TF1's [x, h] W, forget_bias folded into the bias"
SLIPS = ("gates", "forget_bias", "rate")


def _lstm(port, *arguments):
    return ["check", "--inputs", f"{LSTM}:make_inputs", "--tf1", f"{LSTM}:tf1_run", "--tf2", f"{LSTM}:{port}_run",
            "--step", f"{LSTM}:{port}_step", "--modes", "tf2_eager", *arguments]


@pytest.fixture(scope="module")
def measured():
    """The stock Keras port's report at seed 0 and the bound --write-bound would write from it."""
    from tfparity.check import bounds_file, parity
    from parity_tests.planted import lstm
    report = parity.check(lstm.make_inputs, lstm.tf1_run, lstm.keras_run, modes=("tf2_eager",), attribute=False,
                          tf2_step=lstm.keras_step)
    return report, bounds_file.rounded(report.local["tf2_eager"].max_ulp, 0.0)[0]


def test_the_tf1_program_is_the_real_cell_started_from_the_inputs_weights():
    """The local steps start from TF1's own state, so a TF1 program that did not start where the port
    does would still pass: its state before update 1 must be the inputs' weights bit for bit, under
    the names of the cell tfparity.port.rnn_cells recognises."""
    import numpy as np
    from tfparity.port import rnn_cells
    from parity_tests.planted import lstm
    inputs, seen = lstm.make_inputs(0), {}
    lstm.tf1_run(inputs, on_step=lambda k, read: seen.setdefault(k, read()))
    first, expected = seen[0], lstm._initial(inputs)
    assert first.keys() == expected.keys() and all(np.array_equal(first[n], expected[n]) for n in expected)
    shapes = {name: value.shape for name, value in first.items()}
    assert rnn_cells.recognise(shapes) == {"rnn/basic_lstm_cell": (lstm.CELL, lstm.FEATURES, lstm.UNITS)}


def test_the_slips_are_rnn_cells_transforms_with_one_change_each():
    import numpy as np
    from tfparity.port import rnn_cells
    from parity_tests.planted import lstm
    kernel, bias = lstm.make_inputs(0)["kernel0"], np.linspace(-1, 1, 4 * lstm.UNITS, dtype=np.float32)
    right = rnn_cells.to_keras(lstm.CELL, {"kernel": kernel, "bias": bias})
    for slip in ({"gates": True}, {"forget_bias": 0.0}):
        wrong = lstm.as_keras(kernel, bias, **slip)
        assert any(not np.array_equal(wrong[n], right[n]) for n in right), slip
        back = lstm.as_tf1(wrong, **slip)  # each slip's port reads TF1's weights back through its own
        # the bias within the rounding of folding 1.0 into values below 2 (half a float32 step at 2)
        folded = np.spacing(np.float32(2)) / 2
        assert np.array_equal(back[0], kernel) and np.allclose(back[1], bias, rtol=0, atol=folded), slip


def test_the_stock_keras_port_is_not_bit_identical_on_its_local_steps(capsys, measured):
    assert cli.main(_lstm("keras", "--no-attribute")) == Exit.MISMATCH
    out = capsys.readouterr().out
    assert "own state: MISMATCH at step 1" in out, out
    report, _ = measured
    local = report.local["tf2_eager"]
    assert local.status == "mismatch" and report.confirmed["tf2_eager"]["ok"], (local, report.confirmed)


def test_the_keras_reformulation_is_measured_confirmed_in_float64_and_then_passes(capsys, tmp_path):
    from tfparity.check import bounds_file
    from tfparity.core.tolerances import KEPT_BITS
    target = tmp_path / "bounds.toml"
    assert cli.main(_lstm("keras", "--write-bound", str(target), "--reformulated", KERAS, "--seeds", "2")) == Exit.MISMATCH
    assert "bound written to" in capsys.readouterr().out
    [bound] = bounds_file.load(target)["tf2_eager"]
    # rounding, with room to spare under the widest a rounding bound may be (2**(23 - KEPT_BITS))
    assert bound.cause == "reformulation" and bound.atol == 0 and 0 < bound.ulp <= 2 ** (23 - 2 * KEPT_BITS), bound
    assert bound.measured.startswith(KERAS) and "in float64 the TF1 updates within" in bound.measured, bound
    assert cli.main(_lstm("keras", "--tolerances", str(target))) == Exit.OK
    out = capsys.readouterr().out
    assert "judged by its local steps" in out and "for reformulation" in out and "rounding of the same" in out, out


@pytest.mark.parametrize("slip", SLIPS)
def test_each_slip_fails_the_measured_bound_by_100x_at_update_1(measured, slip):
    from tfparity.check import parity
    from tfparity.core.tolerances import Bound
    from parity_tests.planted import lstm
    _, bound = measured
    declared = {"tf2_eager": [Bound("reformulation", bound, 0.0, KERAS)]}
    report = parity.check(lstm.make_inputs, lstm.tf1_run, getattr(lstm, f"{slip}_run"), modes=("tf2_eager",),
                          tolerances=declared, tf2_step=getattr(lstm, f"{slip}_step"))
    local = report.local["tf2_eager"]
    assert not report.ok and local.status == "mismatch" and local.max_ulp >= 100 * bound, (slip, local)
    assert int(local.first_mismatch["step"]) == 1, (slip, local.first_mismatch)
    assert not report.confirmed["tf2_eager"]["ok"], report.confirmed


def test_a_slip_is_refused_as_a_reformulation(capsys, tmp_path):
    target = tmp_path / "slip.toml"
    assert cli.main(_lstm("gates", "--write-bound", str(target), "--reformulated", KERAS, "--seeds", "1")) == Exit.MISMATCH
    assert "no bound for tf2_eager: not a reformulation" in capsys.readouterr().out and not target.exists()
