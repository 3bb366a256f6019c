"""``tfparity check --step`` on TF1 RNN-cell programs (tf-keras's real ``BasicLSTMCell`` and
``GRUCell`` through ``static_rnn``) ported to stock Keras layers (parity_tests/planted/lstm.py,
parity_tests/planted/gru.py): Keras's x W + h U for TF1's [x, h] W (and the LSTM's folded forget
bias) is a reformulation, measured, confirmed in float64 and then passed; the slips such a port makes
fail that bound where they act, and are refused as a reformulation.

The LSTM's slips: the gates in TF1's order, forget_bias dropped, the learning rate 10% high; the
GRU's: Keras 3's default reset_after=True with TF1's bias in the input row, the update and reset
gates in TF1's order, the learning rate off."""
import numpy as np
import pytest

from tfparity import cli
from tfparity.core.exits import Exit

# {pair: (its module, what --reformulated names, its slips, the slips --write-bound must refuse)};
# the LSTM refuses one slip only: each refusal is a float64 confirmation run, and the GRU's three
# show the rule on every kind
PAIRS = {
    "lstm": ("parity_tests.planted.lstm", "Keras LSTM's x W + h U for TF1's [x, h] W, forget_bias folded into the bias",
             ("gates", "forget_bias", "rate"), ("gates",)),
    "gru": ("parity_tests.planted.gru", "Keras GRU(reset_after=False)'s x W + h U for TF1's [x, h] W",
            ("reset_after", "gates", "rate"), ("reset_after", "gates", "rate")),
}
EACH_SLIP = [(pair, slip) for pair, (_, _, slips, _) in PAIRS.items() for slip in slips]
EACH_REFUSAL = [(pair, slip) for pair, (_, _, _, refused) in PAIRS.items() for slip in refused]


def _module(pair):
    import importlib
    return importlib.import_module(PAIRS[pair][0])


def _arguments(pair, port, *arguments):
    name = PAIRS[pair][0]
    return ["check", "--inputs", f"{name}:make_inputs", "--tf1", f"{name}:tf1_run", "--tf2", f"{name}:{port}_run",
            "--step", f"{name}:{port}_step", "--modes", "tf2_eager", *arguments]


@pytest.fixture(scope="module")
def measured():
    """{pair: the stock Keras port's report at seed 0 and the bound --write-bound would write from it}."""
    from tfparity.check import bounds_file, parity
    found = {}
    for pair in PAIRS:
        planted = _module(pair)
        report = parity.check(planted.make_inputs, planted.tf1_run, planted.keras_run, modes=("tf2_eager",),
                              attribute=False, tf2_step=planted.keras_step)
        found[pair] = report, bounds_file.rounded(report.local["tf2_eager"].max_ulp, 0.0)[0]
    return found


@pytest.mark.parametrize("pair", PAIRS)
def test_the_tf1_program_is_the_real_cell_started_from_the_inputs_weights(pair):
    """The local steps start from TF1's own state, so a TF1 program that did not start where the port
    does would still pass: its state before update 1 must be the inputs' weights (and GRUCell's bias
    initializers) bit for bit, under the names of the cell tfparity.port.rnn_cells recognises."""
    from tfparity.port import rnn_cells
    planted = _module(pair)
    inputs, seen = planted.make_inputs(0), {}
    planted.tf1_run(inputs, on_step=lambda k, read: seen.setdefault(k, read()))
    first, expected = seen[0], planted._initial(inputs)
    assert first.keys() == expected.keys() and all(np.array_equal(first[n], expected[n]) for n in expected)
    shapes = {name: value.shape for name, value in first.items()}
    assert rnn_cells.recognise(shapes) == {planted.SCOPE: (planted.CELL, planted.FEATURES, planted.UNITS)}


def test_the_lstm_slips_are_rnn_cells_transforms_with_one_change_each():
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


def test_the_gru_slips_are_rnn_cells_transforms_with_one_change_each():
    from tfparity.port import rnn_cells
    from parity_tests.planted import gru
    values = {v: gru._initial(gru.make_inputs(0))[f"{gru.SCOPE}/{v}"] for v in gru.CELL_VARIABLES}
    right = rnn_cells.to_keras(gru.CELL, values)
    for slip in ({"gates": True}, {"reset_after": True}):
        wrong = gru.as_keras(values, **slip)
        assert any(not np.array_equal(wrong[n], right[n]) for n in right), slip
        back = gru.as_tf1(wrong, **slip)  # each slip's port reads TF1's weights back through its own
        assert all(np.array_equal(back[n], values[n]) for n in values), slip


@pytest.mark.parametrize("pair", PAIRS)
def test_the_stock_keras_port_is_not_bit_identical_on_its_local_steps(capsys, measured, pair):
    assert cli.main(_arguments(pair, "keras", "--no-attribute")) == Exit.MISMATCH
    out = capsys.readouterr().out
    assert "own state: MISMATCH at step 1" in out, out
    report, _ = measured[pair]
    local = report.local["tf2_eager"]
    assert local.status == "mismatch" and report.confirmed["tf2_eager"]["ok"], (local, report.confirmed)


@pytest.mark.parametrize("pair", PAIRS)
def test_the_keras_reformulation_is_measured_confirmed_in_float64_and_then_passes(capsys, tmp_path, pair):
    from tfparity.check import bounds_file
    from tfparity.core.tolerances import KEPT_BITS
    target, keras = tmp_path / "bounds.toml", PAIRS[pair][1]
    assert cli.main(_arguments(pair, "keras", "--write-bound", str(target), "--reformulated", keras, "--seeds", "2")) \
        == Exit.MISMATCH
    assert "bound written to" in capsys.readouterr().out
    [bound] = bounds_file.load(target)["tf2_eager"]
    # rounding, with room to spare under the widest a rounding bound may be (2**(23 - KEPT_BITS))
    assert bound.cause == "reformulation" and bound.atol == 0 and 0 < bound.ulp <= 2 ** (23 - 2 * KEPT_BITS), bound
    assert bound.measured.startswith(keras) and "in float64 the TF1 updates within" in bound.measured, bound
    assert cli.main(_arguments(pair, "keras", "--tolerances", str(target))) == Exit.OK
    out = capsys.readouterr().out
    assert "judged by its local steps" in out and "for reformulation" in out and "rounding of the same" in out, out


@pytest.mark.parametrize("pair, slip", EACH_SLIP)
def test_each_slip_fails_the_measured_bound_by_100x_at_update_1(measured, pair, slip):
    from tfparity.check import parity
    from tfparity.core.tolerances import Bound
    planted = _module(pair)
    _, bound = measured[pair]
    declared = {"tf2_eager": [Bound("reformulation", bound, 0.0, PAIRS[pair][1])]}
    report = parity.check(planted.make_inputs, planted.tf1_run, getattr(planted, f"{slip}_run"), modes=("tf2_eager",),
                          tolerances=declared, tf2_step=getattr(planted, f"{slip}_step"))
    local = report.local["tf2_eager"]
    assert not report.ok and local.status == "mismatch" and local.max_ulp >= 100 * bound, (slip, local)
    assert int(local.first_mismatch["step"]) == 1, (slip, local.first_mismatch)
    assert not report.confirmed["tf2_eager"]["ok"], report.confirmed


@pytest.mark.parametrize("pair, slip", EACH_REFUSAL)
def test_a_slip_is_refused_as_a_reformulation(capsys, tmp_path, pair, slip):
    target = tmp_path / "slip.toml"
    assert cli.main(_arguments(pair, slip, "--write-bound", str(target), "--reformulated", PAIRS[pair][1],
                               "--seeds", "1")) == Exit.MISMATCH
    assert "no bound for tf2_eager: not a reformulation" in capsys.readouterr().out and not target.exists()
