"""The decoupled RNN: parity per update (the original's flaws too), hand-written BPTT == autodiff, NumPy float64, the guide's record."""
import os

import numpy as np
import pytest
from conftest import assert_record_begins_as_a_fresh_run

import tf1_graph.decoupled_rnn as tf1_twin
import tf2_eager.decoupled_rnn as tf2_twin
from shared_data.decoupled_rnn import make_inputs
from tfparity.core.harness import run_example
from tfparity.core.modes import MODES

pytestmark = pytest.mark.skipif(not os.environ.get("MNIST_DIR"), reason="needs the real MNIST (MNIST_DIR)")
SMALL = dict(epochs=2, train_size=20, test_size=10)


def test_data_are_the_originals_zeros_and_ones_from_the_test_split():
    inputs = make_inputs(0)
    assert inputs["train_x"].shape == (100, 784) and inputs["test_x"].shape == (20, 784)
    assert set(np.unique(inputs["train_y"])) == {0.0, 1.0}
    assert inputs["Wrec"].shape == (784, 784) and inputs["Wfc"].shape == (784, 1)
    # 0.2 · N(0, 0.45²) has standard deviation 0.09.
    assert abs(inputs["Wx"].std() - 0.2 * 0.45) < 0.002
    with pytest.raises(ValueError, match="only 2095 training and 20 test images"):
        make_inputs(0, train_size=2100, test_size=20)


def test_both_methods_bit_identical_in_every_mode_per_update():
    verdicts = run_example("decoupled_rnn", 0, **SMALL)["parity"]["verdicts"]
    assert all(v.status == "bit-identical" for v in verdicts.values()), verdicts


@pytest.mark.parametrize("twin", [tf1_twin, tf2_twin], ids=["tf1_graph", "tf2_eager"])
def test_hand_written_bptt_equals_autodiff_bit_for_bit(twin):
    # Measured over 20 images: 0 ULP. The hand-written chain multiplies in the order TF's own
    # SigmoidGrad and TanhGrad kernels do, and the two outer products add commutatively.
    inputs = make_inputs(0)
    for index in (0, 10, 60):
        manual, auto = twin.gradients(inputs, index)
        for name in ("Wx", "Wrec", "Wfc"):
            assert np.abs(auto[name]).max() > 1e-3, "a saturated output would make this trivial"
            assert np.array_equal(manual[name], auto[name]), name


def numpy_synthetic_update(inputs, i=0):
    """One synthetic-gradient update in float64, from the equations, not from either twin."""
    W = {k: np.float64(inputs[k]) for k in tf1_twin.WEIGHTS}
    x, y = np.float64(inputs["train_x"][i:i + 1]), np.float64(inputs["train_y"][i:i + 1])
    h0 = np.zeros((1, 784))
    h1 = np.tanh(x @ W["Wx"] + h0 @ W["Wrec"])
    h2 = np.tanh(x @ W["Wx"] + h1 @ W["Wrec"])
    out = 1 / (1 + np.exp(-(h2 @ W["Wfc"])))
    e = (out - y) * out * (1 - out)
    g1, g2 = h1 @ W["Wsg1"], h2 @ W["Wsg2"]
    d1, d2 = g1 * (1 - h1 ** 2), g2 * (1 - h2 ** 2)
    new = {"Wfc": W["Wfc"] - inputs["lr_x"] * h2.T @ e,
           "Wx": W["Wx"] - inputs["lr_rec"] * (x.T @ d1 + x.T @ d2),
           "Wrec": W["Wrec"] - inputs["lr_rec"] * (h0.T @ d1 + h1.T @ d2),
           "Wsg1": W["Wsg1"] - inputs["lr_sg"] * h1.T @ (g1 - d2 @ W["Wrec"].T),
           "Wsg2": W["Wsg2"] - inputs["lr_sg"] * h2.T @ (g2 - e @ W["Wfc"].T)}
    return 0.5 * float(((out - y) ** 2).sum()), new


def test_one_synthetic_gradient_update_matches_numpy_float64():
    inputs = make_inputs(0, epochs=1, train_size=1, test_size=2)
    loss, desired = numpy_synthetic_update(inputs)
    for trace in (tf1_twin.run(inputs), tf2_twin.run(inputs, function=True)):
        np.testing.assert_allclose(trace["synthetic/loss"][0], loss, rtol=1e-5)
        for name, value in desired.items():
            actual = trace[f"synthetic/{name}"][0]
            moved = np.abs(value - inputs[name]).max()
            assert moved > 0, name
            # float32 weights: within two ULPs of the largest weight.
            np.testing.assert_allclose(actual, value, rtol=0, atol=2 * np.spacing(np.float32(np.abs(value).max())))


@pytest.mark.parametrize("flaws", ["sign", "stale", "sign+stale"])
def test_each_flawed_variant_is_bit_identical_in_every_mode(flaws):
    verdicts = run_example("decoupled_rnn", 0, flaws=flaws, **SMALL)["parity"]["verdicts"]
    assert all(v.status == "bit-identical" for v in verdicts.values()), verdicts


def test_the_sign_flaw_climbs_what_ours_descends():
    ours, flawed = (tf2_twin.run(make_inputs(0, epochs=1, train_size=1, test_size=2, flaws=f))
                    for f in ("none", "sign"))
    start = make_inputs(0, epochs=1, train_size=1, test_size=2)
    for name in ("Wx", "Wrec"):
        down, up = ours[f"synthetic/{name}"][0] - start[name], flawed[f"synthetic/{name}"][0] - start[name]
        # Opposite steps, entry by entry (W + δ and W − δ round apart, so not bit for bit).
        assert np.abs(down).max() > 0 and np.all(down * up <= 0) and np.sum(down * up) < 0, name


def test_the_stale_flaw_reads_the_previous_images_state():
    # The first image's output is σ(h2·Wfc) of the original's initial N(0, 1) state, whatever the
    # image; autodiff then reaches Wfc alone.
    inputs = make_inputs(0, epochs=1, train_size=2, test_size=2, flaws="stale")
    out = 1 / (1 + np.exp(-(np.float64(inputs["state0"][2]) @ np.float64(inputs["Wfc"]))))
    loss = 0.5 * float(((out - inputs["train_y"][0]) ** 2).sum())
    for trace in (tf1_twin.run(inputs), tf2_twin.run(inputs, function=True)):
        np.testing.assert_allclose(trace["autodiff/loss"][0], loss, rtol=1e-5)
        assert np.array_equal(trace["autodiff/Wx"][0], inputs["Wx"]) and np.array_equal(trace["autodiff/Wrec"][0], inputs["Wrec"])
        assert not np.array_equal(trace["autodiff/Wfc"][0], inputs["Wfc"])


def test_the_guides_full_run_record_begins_as_a_fresh_first_epoch():
    # The full 100-epoch run is what `tfparity docs decoupled_rnn` records; here its first
    # epoch is re-run in every mode and must match the record bit for bit.
    assert_record_begins_as_a_fresh_run("decoupled_rnn", 1, MODES + ("tf2_loop",))
