"""tfparity check --recording on an LSTM: a TF2 port replayed into the recording of an unmodified TF1
program (TensorFlow-Examples' recurrent_network.py, parity_tests/legacy_corpus: BasicLSTMCell under
static_rnn). Recorded with every switchable cause off (record --strict), the port is bit-identical
taught and free, and every slip planted in it fails; recorded as it runs by default, the port is 1 ULP
off where grappler reorders a sum, and the strict recording is the control that names the cause."""
import os

import pytest

from parity_tests import replaying

NAME = "recurrent_network"  # the program, and its port in parity_tests/ports/
STEPS = 2  # two training runs: the second starts from a state the first one made
pytestmark = pytest.mark.skipif(not os.environ.get("MNIST_DIR"), reason="needs the real MNIST (MNIST_DIR)")


recorded = replaying.recording_fixture(NAME, STEPS, strict=True)
recorded_default = replaying.recording_fixture(NAME, STEPS)
port = replaying.port_fixture(NAME)


def _check(recorded, *options):
    return replaying.check(recorded, NAME, *options)


def test_the_port_is_bit_identical_taught_and_free(recorded, port, tmp_path, capsys):
    document = replaying.bit_identical(recorded, NAME, STEPS, tmp_path, capsys)
    assert document["map"] == {"Variable": "model.w_out", "Variable_1": "model.b_out",  # readable names: by shape
                               "rnn/basic_lstm_cell/kernel": "model.kernel", "rnn/basic_lstm_cell/bias": "model.bias"}
    assert set(document["how"].values()) == {"shape"}
    assert document["feeds"] == {"Placeholder:0": "x", "Placeholder_1:0": "y"}


def _slip_keras_gates(port, monkeypatch):  # TF1's kernel read as Keras's blocks (i, f, c, o): f and j swapped
    monkeypatch.setattr(port, "_gates", lambda z: (lambda i, f, c, o: (i, c, f, o))(*port.tf.split(z, 4, axis=1)))


def _slip_no_forget_bias(port, monkeypatch):
    monkeypatch.setattr(port, "FORGET_BIAS", 0.0)


def _slip_rate(port, monkeypatch):
    monkeypatch.setattr(port, "LEARNING_RATE", port.LEARNING_RATE * 1.1)


def _slip_mean_over_time(port, monkeypatch):
    tf = port.tf
    monkeypatch.setattr(port, "_last", lambda outputs: tf.reduce_mean(tf.stack(outputs), axis=0))


SLIPS = {"Keras's gate order": _slip_keras_gates, "forget_bias dropped": _slip_no_forget_bias,
         "rate +10%": _slip_rate, "mean over time": _slip_mean_over_time}


@pytest.mark.parametrize("slip", SLIPS)
def test_every_planted_slip_fails(recorded, port, monkeypatch, capsys, slip):
    SLIPS[slip](port, monkeypatch)
    assert _check(recorded) == 1
    out = capsys.readouterr().out
    assert "MISMATCH at step 1" in replaying.teacher_line(out) and out.rstrip().endswith("MISMATCH")


def test_grappler_on_in_the_recording_is_1_ulp_off_and_named_by_the_control(recorded_default, recorded, port, capsys):
    """Recorded as it runs by default, the kernel's update differs by 1 ULP (grappler's arithmetic
    optimizer sums the per-step gradients in op-name order); the strict recording of the same program
    is bit-identical with the same port, so the difference is grappler's, not the port's."""
    assert _check(recorded_default) == 1
    out = capsys.readouterr().out
    teacher = replaying.teacher_line(out)
    assert "hint: the recording was made with" in out and "record it again with tfparity record --strict" in out
    assert "field rnn/basic_lstm_cell/kernel" in teacher and "(1 ULP;" in teacher
    assert _check(recorded) == 0
