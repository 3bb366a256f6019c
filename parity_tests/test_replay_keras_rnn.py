"""tfparity check --recording with stock Keras 3 recurrent layers: TensorFlow-Examples' LSTM programs
(parity_tests/legacy_corpus: BasicLSTMCell under static_rnn, with sequence_length, and under
static_bidirectional_rnn), recorded unmodified with every switchable cause off, replayed into ports
of keras.layers.LSTM and Bidirectional (parity_tests/ports/*_keras.py). The replay finds each TF1
cell's Keras layer by shape and carries its weights through tfparity.port.rnn_cells (gates reordered,
forget_bias folded). Keras's arithmetic is a reformulation: without a bound a MISMATCH with the cell
named, then measured, confirmed in float64 and passed; every slip such a port makes fails that bound."""
import json
import os

import pytest

from parity_tests import replaying

STEPS = 2  # two training runs: the second starts from a state the first one made
REFORMULATED = "Keras's LSTM: x W + h U for TF1's [x, h] W, forget_bias folded into the bias"
pytestmark = pytest.mark.skipif(not os.environ.get("MNIST_DIR"), reason="needs the real MNIST (MNIST_DIR)")

lstm_recorded = replaying.recording_fixture("recurrent_network", STEPS, strict=True)
masked_recorded = replaying.recording_fixture("dynamic_rnn", STEPS, strict=True)
bidirectional_recorded = replaying.recording_fixture("bidirectional_rnn", STEPS, strict=True)


def _measured(recorded, name, folder, capsys):
    """The port's bound, as --write-bound measures it (the first check, without one, a MISMATCH)."""
    bounds, kept = folder / f"{name}.toml", folder / f"{name}-map.json"
    assert replaying.check(recorded, name, "--write-bound", str(bounds), "--reformulated", REFORMULATED,
                           "--write-map", str(kept)) == 1
    out = capsys.readouterr().out
    assert "rounding of the same mathematics" in out and f"bound written to {bounds}" in out
    return str(bounds), kept


@pytest.fixture(scope="module")
def lstm_bound(lstm_recorded, tmp_path_factory):
    folder = tmp_path_factory.mktemp("bounds")
    bounds, kept = folder / "lstm.toml", folder / "lstm-map.json"
    with pytest.MonkeyPatch.context() as patch:
        replaying.port(patch, "recurrent_network_keras")  # on sys.path, as check imports it
        assert replaying.check(lstm_recorded, "recurrent_network_keras", "--write-bound", str(bounds),
                               "--reformulated", REFORMULATED, "--write-map", str(kept)) == 1
    return str(bounds), kept


def test_the_keras_lstm_is_a_named_reformulation_and_passes_within_its_measured_bound(lstm_recorded, lstm_bound, monkeypatch, capsys):
    replaying.port(monkeypatch, "recurrent_network_keras")
    bounds, kept = lstm_bound
    assert json.loads(kept.read_text())["rnn/basic_lstm_cell"] == {
        "cell": "BasicLSTMCell", "kernel": "model._functional._operations.1.cell.kernel",
        "recurrent_kernel": "model._functional._operations.1.cell.recurrent_kernel",
        "bias": "model._functional._operations.1.cell.bias", "forget_bias": 1.0}
    assert replaying.check(lstm_recorded, "recurrent_network_keras") == 1  # no bound: the cell named in a hint
    out = capsys.readouterr().out
    assert "hint: the first difference is in rnn/basic_lstm_cell, TF1's BasicLSTMCell as Keras's LSTM" in out
    assert replaying.check(lstm_recorded, "recurrent_network_keras", "--tolerances", bounds) == 0
    assert "rounding of the same mathematics" in capsys.readouterr().out


def _forget_bias(kept, folder, value):
    mapping = json.loads(kept.read_text())
    mapping["rnn/basic_lstm_cell"]["forget_bias"] = value
    path = folder / "forget_bias.json"
    path.write_text(json.dumps(mapping))
    return str(path)


def test_a_forget_bias_that_is_not_the_programs_fails(lstm_recorded, lstm_bound, tmp_path, monkeypatch, capsys):
    replaying.port(monkeypatch, "recurrent_network_keras")
    bounds, kept = lstm_bound
    assert replaying.check(lstm_recorded, "recurrent_network_keras", "--tolerances", bounds,
                           "--map", _forget_bias(kept, tmp_path, 0.0)) == 1
    out = capsys.readouterr().out
    assert "MISMATCH at step 1" in replaying.teacher_line(out) and "not the same mathematics" in out


def test_a_learning_rate_off_by_ten_percent_fails(lstm_recorded, lstm_bound, monkeypatch, capsys):
    port = replaying.port(monkeypatch, "recurrent_network_keras")
    monkeypatch.setattr(port, "LEARNING_RATE", port.LEARNING_RATE * 1.1)
    assert replaying.check(lstm_recorded, "recurrent_network_keras", "--tolerances", lstm_bound[0]) == 1
    assert "MISMATCH at step 1" in replaying.teacher_line(capsys.readouterr().out)


def test_sequence_length_as_a_mask_passes_and_without_the_mask_fails(masked_recorded, tmp_path, monkeypatch, capsys):
    port = replaying.port(monkeypatch, "dynamic_rnn_keras")
    bounds, _ = _measured(masked_recorded, "dynamic_rnn_keras", tmp_path, capsys)
    assert replaying.check(masked_recorded, "dynamic_rnn_keras", "--tolerances", bounds) == 0
    capsys.readouterr()
    monkeypatch.setattr(port.tf, "sequence_mask", lambda lengths, maxlen: port.tf.ones([port.tf.shape(lengths)[0], maxlen], bool))
    assert replaying.check(masked_recorded, "dynamic_rnn_keras", "--tolerances", bounds) == 1
    assert "MISMATCH at step 1" in replaying.teacher_line(capsys.readouterr().out)


def test_bidirectional_needs_the_last_time_steps_output_not_keras_default(bidirectional_recorded, tmp_path, monkeypatch, capsys):
    port = replaying.port(monkeypatch, "bidirectional_rnn_keras")
    bounds, kept = _measured(bidirectional_recorded, "bidirectional_rnn_keras", tmp_path, capsys)
    assert {"bidirectional_rnn/fw/basic_lstm_cell", "bidirectional_rnn/bw/basic_lstm_cell"} <= set(json.loads(kept.read_text()))
    assert replaying.check(bidirectional_recorded, "bidirectional_rnn_keras", "--tolerances", bounds) == 0
    capsys.readouterr()
    monkeypatch.setattr(port, "RETURN_SEQUENCES", False)  # Keras's default output taken for TF1's outputs[-1]
    assert replaying.check(bidirectional_recorded, "bidirectional_rnn_keras", "--tolerances", bounds) == 1
    out = capsys.readouterr().out
    assert "MISMATCH at step 1" in replaying.teacher_line(out) and "not the same mathematics" in out
