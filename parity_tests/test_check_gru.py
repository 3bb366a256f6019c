"""``tfparity check --step`` on a TF1 ``GRUCell`` program (tf-keras's real cell through ``static_rnn``)
ported to stock ``keras.layers.GRU(reset_after=False)`` (parity_tests/planted/gru.py): Keras's
x W + h U for TF1's [x, h] W is a reformulation, measured, confirmed in float64 and then passed; the
slips such a port makes (Keras 3's default reset_after=True with TF1's bias in the input row, the
update and reset gates in TF1's order, the learning rate off) fail that bound where they act."""
import pytest

from tfparity import cli
from tfparity.core.exits import Exit

GRU = "parity_tests.planted.gru"
KERAS = "Keras GRU(reset_after=False)'s x W + h U for TF1's [x, h] W"
SLIPS = ("reset_after", "gates", "rate")


def _gru(port, *arguments):
    return ["check", "--inputs", f"{GRU}:make_inputs", "--tf1", f"{GRU}:tf1_run", "--tf2", f"{GRU}:{port}_run",
            "--step", f"{GRU}:{port}_step", "--modes", "tf2_eager", *arguments]


@pytest.fixture(scope="module")
def measured():
    """The stock Keras port's report at seed 0 and the bound --write-bound would write from it."""
    from tfparity.check import bounds_file, parity
    from parity_tests.planted import gru
    report = parity.check(gru.make_inputs, gru.tf1_run, gru.keras_run, modes=("tf2_eager",), attribute=False,
                          tf2_step=gru.keras_step)
    return report, bounds_file.rounded(report.local["tf2_eager"].max_ulp, 0.0)[0]


def test_the_tf1_program_is_the_real_cell_started_from_the_inputs_weights():
    """The local steps start from TF1's own state, so a TF1 program that did not start where the port
    does would still pass: its state before update 1 must be the inputs' weights and GRUCell's bias
    initializers bit for bit, under the names of the cell tfparity.port.rnn_cells recognises."""
    import numpy as np
    from tfparity.port import rnn_cells
    from parity_tests.planted import gru
    inputs, seen = gru.make_inputs(0), {}
    gru.tf1_run(inputs, on_step=lambda k, read: seen.setdefault(k, read()))
    first, expected = seen[0], gru._initial(inputs)
    assert first.keys() == expected.keys() and all(np.array_equal(first[n], expected[n]) for n in expected)
    assert rnn_cells.recognise({n: v.shape for n, v in first.items()}) == {gru.SCOPE: (gru.CELL, gru.FEATURES, gru.UNITS)}


def test_the_slips_are_rnn_cells_transforms_with_one_change_each():
    import numpy as np
    from tfparity.port import rnn_cells
    from parity_tests.planted import gru
    inputs = gru.make_inputs(0)
    values = {v: gru._initial(inputs)[f"{gru.SCOPE}/{v}"] for v in gru.CELL_VARIABLES}
    right = rnn_cells.to_keras(gru.CELL, values)
    for slip in ({"gates": True}, {"reset_after": True}):
        wrong = gru.as_keras(values, **slip)
        assert any(not np.array_equal(wrong[n], right[n]) for n in right), slip
        back = gru.as_tf1(wrong, **slip)  # each slip's port reads TF1's weights back through its own
        assert all(np.array_equal(back[n], values[n]) for n in values), slip


def test_the_stock_keras_port_is_not_bit_identical_on_its_local_steps(capsys, measured):
    assert cli.main(_gru("keras", "--no-attribute")) == Exit.MISMATCH
    out = capsys.readouterr().out
    assert "own state: MISMATCH at step 1" in out, out
    report, _ = measured
    local = report.local["tf2_eager"]
    assert local.status == "mismatch" and report.confirmed["tf2_eager"]["ok"], (local, report.confirmed)


def test_the_keras_reformulation_is_measured_confirmed_in_float64_and_then_passes(capsys, tmp_path):
    from tfparity.check import bounds_file
    from tfparity.core.tolerances import KEPT_BITS
    target = tmp_path / "bounds.toml"
    assert cli.main(_gru("keras", "--write-bound", str(target), "--reformulated", KERAS, "--seeds", "2")) == Exit.MISMATCH
    assert "bound written to" in capsys.readouterr().out
    [bound] = bounds_file.load(target)["tf2_eager"]
    # rounding, with room to spare under the widest a rounding bound may be (2**(23 - KEPT_BITS))
    assert bound.cause == "reformulation" and bound.atol == 0 and 0 < bound.ulp <= 2 ** (23 - 2 * KEPT_BITS), bound
    assert bound.measured.startswith(KERAS) and "in float64 the TF1 updates within" in bound.measured, bound
    assert cli.main(_gru("keras", "--tolerances", str(target))) == Exit.OK
    out = capsys.readouterr().out
    assert "judged by its local steps" in out and "for reformulation" in out and "rounding of the same" in out, out


@pytest.mark.parametrize("slip", SLIPS)
def test_each_slip_fails_the_measured_bound_by_100x_at_update_1(measured, slip):
    from tfparity.check import parity
    from tfparity.core.tolerances import Bound
    from parity_tests.planted import gru
    _, bound = measured
    declared = {"tf2_eager": [Bound("reformulation", bound, 0.0, KERAS)]}
    report = parity.check(gru.make_inputs, gru.tf1_run, getattr(gru, f"{slip}_run"), modes=("tf2_eager",),
                          tolerances=declared, tf2_step=getattr(gru, f"{slip}_step"))
    local = report.local["tf2_eager"]
    assert not report.ok and local.status == "mismatch" and local.max_ulp >= 100 * bound, (slip, local)
    assert int(local.first_mismatch["step"]) == 1, (slip, local.first_mismatch)
    assert not report.confirmed["tf2_eager"]["ok"], report.confirmed


@pytest.mark.parametrize("slip", SLIPS)
def test_a_slip_is_refused_as_a_reformulation(capsys, tmp_path, slip):
    target = tmp_path / "slip.toml"
    assert cli.main(_gru(slip, "--write-bound", str(target), "--reformulated", KERAS, "--seeds", "1")) == Exit.MISMATCH
    assert "no bound for tf2_eager: not a reformulation" in capsys.readouterr().out and not target.exists()
