"""False friends: every row of docs/false_friends.md is re-measured and must equal the committed
record, the exact TF2 rules are bit-identical to TF1, and the first RMSProp step of each side is
checked against a NumPy float32 hand computation that depends on neither."""
import json
import os

import numpy as np
import pytest

from false_friends import keras3, measure, report, tf1
from shared_data import false_friends as data
from tfparity.cli import main
from tfparity.guide import ROOT
from tfparity.jsonio import jsonable

pytestmark = pytest.mark.skipif(not os.environ.get("MNIST_DIR"), reason="needs the real MNIST (MNIST_DIR)")
COMMITTED = ROOT / "docs" / "results" / "false_friends.json"


@pytest.fixture(scope="module")
def fresh():
    return json.loads(json.dumps(jsonable(measure.measure())))


def test_every_row_equals_the_committed_record(fresh):
    assert fresh == json.loads(COMMITTED.read_text()), "re-measure: tfparity docs"


def test_every_exact_tf2_rule_is_bit_identical_on_both_problems(fresh):
    for row in fresh["optimizers"]:
        assert {row["exact"][p]["class"] for p in report.PROBLEMS} == {"bit-identical"}, row["name"]
    for row in fresh["losses"]:
        exact = row["exact"]
        assert {exact[f] for f in ("value", "grad_logits", "grad_labels")} == {"bit-identical"}, row["tf1"]


def test_the_namesakes_that_differ_do_and_the_one_that_matches_does(fresh):
    naive = {row["name"]: row["naive"] for row in fresh["optimizers"]}
    assert {naive["GradientDescent"][p]["class"] for p in report.PROBLEMS} == {"bit-identical"}
    for name in ("Momentum", "Adam", "RMSProp", "RMSProp, centered", "Adadelta"):
        assert naive[name]["mlp"]["class"] != "bit-identical", name
    assert naive["RMSProp"]["mlp"]["final"]["abs"] > 0.1  # accumulator starts at 1 vs 0
    losses = {row["tf1"]: row for row in fresh["losses"]}
    masked = losses["tf1.losses.mean_squared_error, weights=mask"]
    assert masked["naive"]["value"] != "bit-identical" and masked["exact"]["value"] == "bit-identical"
    v1 = losses["tf1.nn.softmax_cross_entropy_with_logits (v1)"]["naive"]
    assert v1["value"] == v1["grad_logits"] == "bit-identical" and v1["grad_labels"] != "bit-identical"


def test_first_rmsprop_step_matches_numpy_float32_on_each_side():
    # TF1: ms starts at 1, epsilon 1e-10; Keras: velocity starts at 0, epsilon 1e-7.
    problem = data.problems(0, steps=1)["regression"]
    (x, y), A0, lr = problem["batches"][0], problem["variables"]["A"], np.float32(problem["learning_rate"])
    g = np.float32(2) * (x * A0 - y) * x  # d/dA of (x·A − y)²
    rho = np.float32(0.9)
    tf1_ms = np.float32(1) + (g * g - np.float32(1)) * (np.float32(1) - rho)
    desired_tf1 = A0 - g * lr / np.sqrt(tf1_ms + np.float32(1e-10))
    keras_v = (np.float32(1) - rho) * g * g
    desired_keras = A0 - lr * g / np.sqrt(keras_v + np.float32(1e-7))
    actual_tf1 = tf1.train("regression", problem, "RMSProp")["A"][0]
    actual_keras = keras3.train("regression", problem, keras3.keras_step(keras3.NAMESAKES["RMSProp"][1]))["A"][0]
    np.testing.assert_allclose(actual_tf1, desired_tf1, rtol=2e-7)
    np.testing.assert_allclose(actual_keras, desired_keras, rtol=2e-7)
    assert actual_keras != actual_tf1


def test_friends_command_prints_the_tables_and_writes_json(tmp_path, capsys, monkeypatch):
    record = json.loads(COMMITTED.read_text())
    monkeypatch.setattr(measure, "measure", lambda: record)  # the measurement is tested above
    assert main(["friends", "--json", str(tmp_path / "friends.json")]) == 0
    assert json.loads((tmp_path / "friends.json").read_text()) == record
    printed = capsys.readouterr().out
    assert "| `tf1.train.RMSPropOptimizer` | `keras.optimizers.RMSprop(lr)` |" in printed
