"""tfparity check --recording: a TF2 port replayed into the recording of an unmodified TF1 program
(TensorFlow-Examples' convolutional_network_raw.py, parity_tests/legacy_corpus), its step taken from
the TF1 run's own state before each recorded training run and in a row from its initial state; and
every slip planted in the port fails."""
import json
import os

import pytest

from parity_tests import replaying
from tfparity.cli import main

NAME = "convolutional_network_raw"  # the program, and its port in parity_tests/ports/
SPEC = f"{NAME}:make_port"
STEPS = 2  # two training runs: the second starts from a state the first one made
pytestmark = pytest.mark.skipif(not os.environ.get("MNIST_DIR"), reason="needs the real MNIST (MNIST_DIR)")


recorded = replaying.recording_fixture(NAME, STEPS)
port = replaying.port_fixture(NAME)


def _check(recorded, *options):
    return replaying.check(recorded, NAME, *options)


def test_the_port_is_bit_identical_taught_and_free(recorded, port, tmp_path, capsys):
    document = replaying.bit_identical(recorded, NAME, STEPS, tmp_path, capsys)
    assert document["ok"] and document["steps"] == STEPS and len(document["map"]) == 26  # 8 weights, 16 slots, 2 powers
    assert document["how"]["Variable/Adam_1"] == "slot of Variable" and document["map"]["Variable"] == "model.wc1"
    assert document["feeds"] == {"Placeholder:0": "x", "Placeholder_1:0": "y", "Placeholder_2:0": "keep_prob"}


def _slip_rate(port, monkeypatch):
    monkeypatch.setattr(port, "LEARNING_RATE", port.LEARNING_RATE * 1.1)


def _slip_epsilon(port, monkeypatch):  # Keras's default epsilon for TF1's
    real = port.optimizers.Adam
    monkeypatch.setattr(port, "optimizers", type("Rules", (), {"Adam": staticmethod(
        lambda learning_rate: real(learning_rate=learning_rate, epsilon=1e-7))}))


def _slip_keep_prob_as_rate(port, monkeypatch):
    monkeypatch.setattr(port, "_dropout", lambda x, keep_prob: port.tf.nn.dropout(x, rate=keep_prob))


def _slip_no_dropout(port, monkeypatch):
    monkeypatch.setattr(port, "_dropout", lambda x, keep_prob: x)


def _slip_float_rate(port, monkeypatch):  # 1 - keep_prob as a Python number: multiplies by 1.25 where TF1 divides
    monkeypatch.setattr(port, "_dropout", lambda x, keep_prob: port.tf.nn.dropout(x, rate=1 - float(keep_prob)))


def _slip_relu_before_bias(port, monkeypatch):
    tf = port.tf
    monkeypatch.setattr(port, "_conv", lambda x, w, b: tf.nn.relu(tf.nn.conv2d(x, w, strides=1, padding="SAME")) + b)


def _slip_an_extra_draw(port, monkeypatch):
    tf = port.tf
    monkeypatch.setattr(port, "_dropout", lambda x, keep_prob: tf.nn.dropout(x + 0 * tf.random.normal([1]), 1 - keep_prob))


def test_a_slip_in_the_optimizer_says_so(recorded, port, monkeypatch, capsys):
    real = port.optimizers.Adam  # a slip in a hyperparameter of the optimizer: its own state differs first
    monkeypatch.setattr(port, "optimizers", type("Rules", (), {"Adam": staticmethod(
        lambda learning_rate: real(learning_rate=learning_rate, beta1=0.8))}))
    assert _check(recorded) == 1
    assert "hint: the first difference is in optimizer state (beta1_power)" in capsys.readouterr().out


SLIPS = {"rate +10%": (_slip_rate, "MISMATCH at step 1"), "epsilon 1e-7": (_slip_epsilon, "MISMATCH at step 1"),
         "keep_prob as rate": (_slip_keep_prob_as_rate, "MISMATCH at step 1"),
         "no dropout": (_slip_no_dropout, "MISMATCH at step 1"),
         "Python float rate": (_slip_float_rate, "MISMATCH at step 1"),
         "relu before the bias": (_slip_relu_before_bias, "MISMATCH at step 1"),
         "an extra draw": (_slip_an_extra_draw, "MISMATCH: the port's random draw 1 is a normal of shape [1]")}


@pytest.mark.parametrize("slip", SLIPS)
def test_every_planted_slip_fails(recorded, port, monkeypatch, capsys, slip):
    plant, said = SLIPS[slip]
    plant(port, monkeypatch)
    assert _check(recorded) == 1
    out = capsys.readouterr().out
    assert said in replaying.teacher_line(out) and out.rstrip().endswith("MISMATCH")


def test_a_map_that_swaps_two_slots_fails(recorded, port, tmp_path, capsys):
    kept = tmp_path / "map.json"
    assert _check(recorded, "--write-map", str(kept)) == 0
    swapped = json.loads(kept.read_text())
    swapped["Variable/Adam"], swapped["Variable/Adam_1"] = swapped["Variable/Adam_1"], swapped["Variable/Adam"]
    kept.write_text(json.dumps(swapped))
    capsys.readouterr()
    assert _check(recorded, "--map", str(kept)) == 1
    assert "field Variable" in capsys.readouterr().out


def test_bad_input_is_one_line_and_exit_2(recorded, port, tmp_path, capsys):
    partial = tmp_path / "partial.json"
    partial.write_text(json.dumps({"Variable": "model.wc1"}))
    not_one = tmp_path / "not.npz"
    not_one.write_bytes(b"PK not a zip")
    cases = {("--map", str(partial)): "is not in the map", ("--tf1", SPEC): "options of the run(inputs) contract"}
    for options, said in cases.items():
        assert _check(recorded, *options) == 2
        assert said in capsys.readouterr().err
    assert main(["check", "--recording", str(not_one), "--tf2", SPEC]) == 2
    err = capsys.readouterr().err
    assert "is not a recording" in err and "Traceback" not in err


def test_a_reformulation_passes_only_within_its_measured_confirmed_bound(recorded, port, monkeypatch, tmp_path, capsys):
    """keras.layers.Dropout and a Python float rate scale by x * (1 / (1 - rate)) where TF1 divided by
    keep_prob: a reformulation. Measured on the recording and confirmed in float64, it is written as a
    bound; the port then passes within it, and a slip under the same bound still fails."""
    bounds = tmp_path / "bounds.toml"
    _slip_float_rate(port, monkeypatch)
    assert _check(recorded, "--write-bound", str(bounds), "--reformulated", "dropout's scale multiplied") == 1
    out = capsys.readouterr().out
    assert "rounding of the same mathematics" in out and "bound written" in out
    assert _check(recorded, "--tolerances", str(bounds)) == 0
    out = capsys.readouterr().out
    assert "(allowed: " in out and "for reformulation" in out and "judged by its local steps" in out
    tf = port.tf  # Keras 3's Dropout, in the dtype of the port (float64 for the confirmation): its stateless
    layers = {dtype: tf.keras.layers.Dropout(0.2, dtype=dtype) for dtype in (tf.float32, tf.float64)}  # draws are served
    monkeypatch.setattr(port, "_dropout", lambda x, keep_prob: layers[x.dtype](x, training=True))
    assert _check(recorded, "--tolerances", str(bounds)) == 0
    assert "for reformulation" in capsys.readouterr().out
    _slip_rate(port, monkeypatch)
    assert _check(recorded, "--tolerances", str(bounds)) == 1
    monkeypatch.undo()
    monkeypatch.syspath_prepend(str(replaying.PORTS))
    plain = port.make_port
    monkeypatch.setattr(port, "make_port", lambda: plain())  # takes no dtype: nothing to confirm with
    _slip_float_rate(port, monkeypatch)
    capsys.readouterr()
    assert _check(recorded, "--tolerances", str(bounds)) == 1
    assert "make_port takes no dtype" in capsys.readouterr().out


def test_assert_replay_in_a_test_suite(recorded, port, monkeypatch):
    from tfparity.testing import assert_replay
    assert assert_replay(recorded, port.make_port)["teacher_forced"].status == "bit-identical"
    _slip_rate(port, monkeypatch)
    with pytest.raises(AssertionError, match="teacher-forced: MISMATCH at step 1"):
        assert_replay(recorded, port.make_port)
