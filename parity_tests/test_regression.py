"""The cookbook regression: parity, a hand-worked step, and NumPy float64 over 20 seeds."""
import numpy as np
import pytest

import tf1_graph.regression as tf1_twin
import tf2_eager.regression as tf2_twin
from shared_data.regression import make_inputs
from tfparity.core.harness import run_example


def numpy_reference(inputs):
    """The same training in float64 NumPy, written from the recipe, not from either twin."""
    x, y, A = (np.float64(inputs[k]) for k in ("x", "y", "A0"))
    A = A[0]
    for i in inputs["schedule"]:
        residual = x[i] * A - y[i]
        gradient = 2 * residual * x[i] if inputs["loss"] == "l2" else np.sign(residual) * x[i]
        A -= inputs["learning_rate"] * gradient
    return A


@pytest.mark.parametrize("loss", ["l2", "l1"])
def test_all_modes_bit_identical(loss):
    result = run_example("regression", seed=0, loss=loss)
    for mode, verdict in result["parity"]["verdicts"].items():
        assert verdict.status == "bit-identical", f"{mode}: {verdict}"


def test_one_update_worked_by_hand():
    # A = 1, x = 2, y = 10: loss (2 − 10)² = 64, ∂loss/∂A = 2·x·(xA − y) = −32,
    # A' = 1 + 0.02·32 = 1.64, loss after = (3.28 − 10)² = 45.1584.
    inputs = {"x": np.float32([2.0]), "y": np.float32([10.0]), "A0": np.float32([1.0]),
              "schedule": [0], "learning_rate": 0.02, "loss": "l2"}
    for trace in (tf1_twin.run(inputs), tf2_twin.run(inputs), tf2_twin.run(inputs, function=True)):
        np.testing.assert_allclose(trace["A"], [1.64], rtol=1e-6)
        np.testing.assert_allclose(trace["loss"], [45.1584], rtol=1e-5)


def test_twin_matches_numpy_float64_and_approaches_10_over_20_seeds():
    finals = []
    for seed in range(20):
        inputs = make_inputs(seed)
        desired = numpy_reference(inputs)
        actual = tf1_twin.run(inputs)["A"][-1]
        np.testing.assert_allclose(actual, desired, rtol=1e-5)
        finals.append(desired)
    # 100 steps shrink |A − 10| by about 0.96^100 ≈ 0.017 from a start near 0.
    assert np.all(np.abs(np.array(finals) - 10) < 1.0), finals
    assert np.median(np.abs(np.array(finals) - 10)) < 0.35
