"""The tfparity command: list, run with JSON, one-line errors with exit status 2."""
import json
import os
import subprocess
import sys

import numpy as np
import pytest

from tfparity.cli import main
from tfparity.core.harness import examples
from tfparity.core.jsonio import traces_from_json


def test_list_prints_one_name_per_line(capsys):
    assert main(["list"]) == 0
    assert capsys.readouterr().out.split() == examples()


def test_run_prints_table_and_verdicts_and_writes_exact_json(tmp_path, capsys):
    path = tmp_path / "regression.json"
    assert main(["run", "regression", "--seed", "3", "--json", str(path), "--verbose"]) == 0
    out = capsys.readouterr().out
    assert "A tf1_graph" in out and "loss tf2_function" in out  # the side-by-side table
    # Both layers: one update from the Session's own state at each checked update, then the trajectory.
    assert ("regression: tf2_eager vs tf1_graph: local, 13 updates from the Session's own state: bit-identical; "
            "trajectory: bit-identical; ") in out
    assert "regression  tf2_function  bit-identical  " in out  # the summary table
    document = json.loads(path.read_text())
    assert [key for key in document if key != "machine"] == ["example", "seed", "inputs", "traces", "parity"]
    assert {"x", "y", "A0", "schedule", "learning_rate", "steps"} <= set(document["inputs"])
    assert set(document["traces"]) == {"tf1_graph", "tf2_eager", "tf2_function", "tf2_keras"}  # tf2_keras: model.fit
    assert document["parity"]["verdicts"]["tf2_eager"]["status"] == "bit-identical"
    traces = traces_from_json(document)
    from tfparity.core.harness import run_example
    again = run_example("regression", 3)["traces"]["tf1_graph"]
    for field, values in again.items():
        assert traces["tf1_graph"][field].tobytes() == values.tobytes()  # exact round trip


def test_several_examples_give_an_object_keyed_by_name(tmp_path, capsys):
    path = tmp_path / "two.json"
    assert main(["run", "regression", "simple_network", "--json", str(path)]) == 0
    assert "== parity summary" in capsys.readouterr().out
    assert list(json.loads(path.read_text())) == ["regression", "simple_network"]


def test_diverging_run_is_data_not_a_crash(tmp_path, capsys):
    path = tmp_path / "diverge.json"
    args = ["run", "simple_network", "--learning-rate", "10", "--steps", "400", "--json", str(path)]
    assert main(args) == 0
    document = json.loads(path.read_text())
    w = traces_from_json(document)["tf1_graph"]["lr=10/float32/w"]
    assert np.isinf(w).any() or np.isnan(w).any()
    assert "NaN" in path.read_text() or "Infinity" in path.read_text()
    assert document["parity"]["verdicts"]["tf2_eager"]["status"] == "bit-identical"


@pytest.mark.parametrize("args, message", [
    (["run", "nonexistent"], "unknown example 'nonexistent'"),
    (["run"], "name at least one example"),
    (["run", "regression", "--seed", "-1"], "--seed"),
    (["run", "regression", "--seed", "1.5"], "--seed"),
    (["run", "regression", "--learning-rate", "0"], "--learning-rate"),
    (["run", "regression", "--learning-rate", "-0.1"], "--learning-rate"),
    (["run", "regression", "--learning-rate", "nan"], "--learning-rate"),
    (["run", "regression", "--learning-rate", "inf"], "--learning-rate"),
    (["run", "regression", "--steps", "0"], "--steps"),
    (["run", "regression", "--steps", "2.5"], "--steps"),
    (["run", "classification", "--loss", "l1"], "--loss does not apply to example classification"),
    (["run", "regression", "--json", "/nonexistent-dir/x.json"], "cannot write --json"),
    (["frobnicate"], "invalid choice"),
    (["run", "mlp", "--epochs", "0"], "--epochs"),
    (["run", "mlp", "--batch-size", "-32"], "--batch-size"),
    (["run", "mlp", "--batch-size", "100", "--train-size", "50"], "exceeds the 50 training images"),
    (["run", "regression", "--epochs", "3"], "--epochs does not apply to example regression"),
])
def test_bad_input_is_one_line_and_exit_2(args, message, capsys):
    assert main(args) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err.count("\n") == 1 and message in captured.err, captured.err


def test_installed_command_exits_2_without_traceback(tmp_path):
    command = [os.path.join(os.path.dirname(sys.executable), "tfparity"), "run", "regression",
               "--json", str(tmp_path)]
    done = subprocess.run(command, capture_output=True, text=True)
    assert done.returncode == 2 and "Traceback" not in done.stderr
    assert done.stderr.startswith("tfparity: error: cannot write --json")


def test_mlp_json_names_large_inputs_by_digest_and_carries_the_headline(tmp_path, capsys):
    if not os.environ.get("MNIST_DIR"):
        pytest.skip("needs the real MNIST (MNIST_DIR)")
    path = tmp_path / "mlp.json"
    args = ["run", "mlp", "--epochs", "1", "--train-size", "640", "--test-size", "200", "--json", str(path)]
    assert main(args + ["--verbose"]) == 0
    captured = capsys.readouterr()
    assert "tf2_eager epoch 1: epoch_loss" in captured.err and "test_accuracy" in captured.err
    assert "%|" not in captured.err + captured.out  # no live line where stderr is no terminal
    document = json.loads(path.read_text())
    assert document["inputs"]["parameter_count"] == 11935
    assert len(document["inputs"]["train_x"]["sha256"]) == 64
    assert set(document["parity"]["final"]["tf2_function"]) >= {"test_accuracy", "loss"}
    assert len(document["traces"]["tf1_graph"]["loss"]) == 20
    assert oct(path.stat().st_mode & 0o777) == oct(0o666 & ~_umask())


def test_progress_is_one_live_line_per_mode_with_its_time(monkeypatch):
    import io

    from tfparity.cli import progress
    from tfparity.cli.progress import Bars
    clock = iter([10.0, 11.5, 11.5, 14.0])  # mode 1 starts, ends; mode 2 starts, ends
    monkeypatch.setattr(progress.time, "perf_counter", lambda: next(clock))
    stream = io.StringIO()
    bars = Bars("mlp", epochs=2, stream=stream, live=True)
    for mode in ("tf1_graph", "tf2_eager"):
        bars(mode, 0, None)
        for epoch in (1, 2):
            bars(mode, epoch, {})
    bars.close()
    drawn = stream.getvalue()
    assert "mlp tf1_graph: 100%" in drawn and "2/2" in drawn and "mlp tf2_eager: 100%" in drawn
    assert bars.seconds == {"tf1_graph": 1.5, "tf2_eager": 2.5}  # each mode's own time, from its start
    monkeypatch.undo()
    twice = Bars("rnn", epochs=2, stream=stream, live=True)  # epochs counted again for a second method
    twice("tf1_graph", 0, None)
    for epoch in (1, 2, 1, 2):
        twice("tf1_graph", epoch, {})
    assert (twice.bar.n, twice.bar.total) == (4, 4)


def _umask():
    mask = os.umask(0)
    os.umask(mask)
    return mask
