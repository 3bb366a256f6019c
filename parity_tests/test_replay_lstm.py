"""tfparity check --recording on an LSTM: a TF2 port replayed into the recording of an unmodified TF1
program (TensorFlow-Examples' recurrent_network.py, parity_tests/legacy_corpus: BasicLSTMCell under
static_rnn). Recorded with every switchable cause off (record --strict), the port is bit-identical
taught and free, and every slip planted in it fails; recorded as it runs by default, the port is 1 ULP
off where grappler reorders a sum, and the strict recording is the control that names the cause."""
import json
import os
import pathlib
import subprocess
import sys

import pytest

from tfparity.cli import main

HERE = pathlib.Path(__file__).parent
SCRIPT = HERE / "legacy_corpus" / "recurrent_network.py"
PORT = HERE / "ports" / "recurrent_network.py"
SPEC = "recurrent_network:make_port"  # imported from PORT's folder, so that a test may plant a slip in it
STEPS = 2  # two training runs: the second starts from a state the first one made
pytestmark = pytest.mark.skipif(not os.environ.get("MNIST_DIR"), reason="needs the real MNIST (MNIST_DIR)")


@pytest.fixture(scope="module")
def recorded(tmp_path_factory):
    """A --strict recording, made by the command in a process of its own (oneDNN is switched off as
    TensorFlow loads)."""
    out = tmp_path_factory.mktemp("replay") / "lstm.npz"
    command = [sys.executable, "-m", "tfparity.cli", "record", "--strict", "--steps", str(STEPS), "--stop", "--out",
               str(out), "--", str(SCRIPT)]
    subprocess.run(command, check=True, stdout=subprocess.DEVNULL)
    return str(out)


@pytest.fixture(scope="module")
def recorded_default(tmp_path_factory):
    out = tmp_path_factory.mktemp("replay") / "lstm_default.npz"
    assert main(["record", "--steps", str(STEPS), "--stop", "--out", str(out), "--", str(SCRIPT)]) == 0
    return str(out)


@pytest.fixture
def port(monkeypatch):
    """The port's module, as check imports it."""
    import importlib
    monkeypatch.syspath_prepend(str(PORT.parent))
    return importlib.import_module(SPEC.split(":")[0])


def _check(recorded, *options):
    return main(["check", "--recording", recorded, "--tf2", SPEC, *options])


def test_the_port_is_bit_identical_taught_and_free(recorded, port, tmp_path, capsys):
    report, kept = tmp_path / "report.json", tmp_path / "map.json"
    assert _check(recorded, "--json", str(report), "--write-map", str(kept)) == 0
    out = capsys.readouterr().out
    assert "teacher-forced (tf2_eager, each step from the TF1 run's state before it): bit-identical" in out
    assert f"free-running (tf2_eager, {STEPS} steps from the TF1 run's initial state): bit-identical" in out
    document = json.loads(report.read_text())
    assert document["ok"] and document["steps"] == STEPS
    assert document["map"] == {"Variable": "model.w_out", "Variable_1": "model.b_out",  # readable names: by shape
                               "rnn/basic_lstm_cell/kernel": "model.kernel", "rnn/basic_lstm_cell/bias": "model.bias"}
    assert set(document["how"].values()) == {"shape"}
    assert document["feeds"] == {"Placeholder:0": "x", "Placeholder_1:0": "y"}
    assert _check(recorded, "--map", str(kept)) == 0  # the map written is the map that passes


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
    teacher = next(line for line in out.splitlines() if line.startswith("teacher-forced"))
    assert "MISMATCH at step 1" in teacher and out.rstrip().endswith("MISMATCH")


def test_grappler_on_in_the_recording_is_1_ulp_off_and_named_by_the_control(recorded_default, recorded, port, capsys):
    """Recorded as it runs by default, the kernel's update differs by 1 ULP (grappler's arithmetic
    optimizer sums the per-step gradients in op-name order); the strict recording of the same program
    is bit-identical with the same port, so the difference is grappler's, not the port's."""
    assert _check(recorded_default) == 1
    teacher = next(line for line in capsys.readouterr().out.splitlines() if line.startswith("teacher-forced"))
    assert "field rnn/basic_lstm_cell/kernel" in teacher and "(1 ULP;" in teacher
    assert _check(recorded) == 0
