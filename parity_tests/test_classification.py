"""The cookbook classification: parity (one update from the Session's state, then the trajectory), a
hand-worked step, 20 seeds."""
import numpy as np
import pytest

import tf1_graph.classification as tf1_twin
import tf2_eager.classification as tf2_twin
from shared_data.classification import make_inputs
from tfparity.core.harness import run_example


def numpy_reference(inputs):
    """The same training in float64 NumPy: ∂/∂A of sigmoid cross-entropy is sigmoid(x + A) − y."""
    x, y = np.float64(inputs["x"]), np.float64(inputs["y"])
    A = np.float64(inputs["A0"][0])
    for i in inputs["schedule"]:
        A -= inputs["learning_rate"] * (1 / (1 + np.exp(-(x[i] + A))) - y[i])
    return A, np.mean(np.round(1 / (1 + np.exp(-(x + A)))) == y)


def test_function_bit_identical_eager_differs_by_the_grappler_rewrite_judged_by_its_local_steps():
    # The default run, measured afresh: graph mode rewrites the gradient, so eager's trajectory
    # differs (first at step 473 for seed 0) and is judged by its updates from the Session's own
    # state, bit-identical at every one checked; test_tolerances.py switches the cause off and
    # demands bit identity of the trajectory too.
    parity = run_example("classification", 0)["parity"]
    assert parity["verdicts"]["tf2_function"].status == "bit-identical"
    eager = parity["verdicts"]["tf2_eager"]
    assert eager.status == "differs" and eager.causes == ("grappler_arithmetic",), eager
    assert eager.first_difference["step"] > 1 and eager.ok
    assert {mode: verdict.status for mode, verdict in parity["local"].items()} == dict.fromkeys(
        ("tf1_graph", "tf2_eager", "tf2_function"), "bit-identical"), parity["local"]


def test_one_update_worked_by_hand():
    # x = 2, y = 1, A = 0: ∂loss/∂A = σ(2) − 1 = −0.1192029; A' = 0 + 0.05·0.1192029 = 0.0059601;
    # loss after = log(1 + e^−2.0059601) = 0.1262194; accuracy over x = (2, −2) is 1.
    inputs = {"x": np.float32([2.0, -2.0]), "y": np.float32([1.0, 0.0]), "A0": np.float32([0.0]),
              "schedule": [0], "learning_rate": 0.05}
    for trace in (tf1_twin.run(inputs), tf2_twin.run(inputs), tf2_twin.run(inputs, function=True)):
        np.testing.assert_allclose(trace["A"], [0.0059601461], rtol=1e-6)
        np.testing.assert_allclose(trace["loss"], [0.1262194063], rtol=1e-6)
        assert trace["accuracy"][0] == 1.0


def test_twin_matches_numpy_and_finds_the_midpoint_over_20_seeds():
    results = []
    for seed in range(20):
        inputs = make_inputs(seed)
        trace = tf2_twin.run_loop(inputs)  # the whole loop: bit-identical to the Session, faster
        A, accuracy = numpy_reference(inputs)
        np.testing.assert_allclose(trace["A"][-1], A, atol=1e-4)
        assert trace["accuracy"][-1] == pytest.approx(accuracy)
        results.append((A, accuracy))
    A, accuracy = np.array(results).T
    # The classes' midpoint is x = 1, so sigmoid(x + A) = 0.5 there when A = −1.
    assert np.all(np.abs(A + 1) < 0.5), A
    assert np.mean(accuracy >= 0.9) >= 0.9 and np.median(accuracy) >= 0.95, accuracy
