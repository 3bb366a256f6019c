"""The one-weight network: parity, the published table, and manual == automatic gradient."""
from fractions import Fraction

import numpy as np
import pytest

import tf2_eager.simple_network as port
from shared_data.simple_network import make_inputs
from tfparity.core import harness
from tfparity.core.confirm import ROUNDING_FACTOR
from tfparity.core.harness import run_example
from tfparity.core.modes import ALL_MODES, MODES


@pytest.fixture(scope="module")
def result():
    return run_example("simple_network", seed=0)


def test_all_modes_bit_identical(result):
    for mode, verdict in result["parity"]["verdicts"].items():
        assert verdict.status == "bit-identical", f"{mode}: {verdict}"


def test_hand_written_gradient_equals_automatic_in_every_mode(result):
    checks = result["parity"]["manual_vs_auto"]
    assert set(checks) == set(MODES)
    assert all(v.status == "bit-identical" for v in checks.values())


@pytest.mark.parametrize("mode", MODES)
def test_published_table_learning_rate_1(result, mode):
    trace = result["traces"][mode]
    desired_w = [-1.6, 15.2, -102.4, 720.8, -5041.6]
    desired_f = [-3.2, 30.4, -204.8, 1441.6, -10083.2]
    np.testing.assert_array_equal(np.round(trace["lr=1/float64/w"], 1), desired_w)
    np.testing.assert_array_equal(np.round(trace["lr=1/float64/f"], 1), desired_f)


@pytest.mark.parametrize("mode", MODES)
def test_published_table_learning_rate_01(result, mode):
    w, f = result["traces"][mode]["lr=0.1/float64/w"], result["traces"][mode]["lr=0.1/float64/f"]
    np.testing.assert_array_equal(np.round(w[:4], 5), [0.56, 0.512, 0.5024, 0.50048])
    # The exact float64 tail of the table: updates 21, 22 and 23 (the source numbers rows 22-24).
    assert (w[20], w[21], w[22]) == (0.5000000000000007, 0.5000000000000001, 0.5)
    assert (f[21], f[22]) == (1.0000000000000002, 1.0)
    assert np.all(w[22:] == 0.5) and len(w) == 25


def test_float32_trace_is_kept_and_settles_too(result):
    trace = result["traces"]["tf1_graph"]
    assert trace["lr=0.1/float32/w"].dtype == np.float32 and len(trace["lr=0.1/float32/w"]) == 25
    assert trace["lr=0.1/float32/w"][-1] == np.float32(0.5)
    # float32 follows the table only to its precision: 0.8 is not exact there, so w' = −1.6000001.
    assert trace["lr=1/float32/w"][0] == np.nextafter(np.float32(-1.6), np.float32(-2))
    np.testing.assert_allclose(trace["lr=1/float32/w"], trace["lr=1/float64/w"], rtol=1e-6)


def test_one_update_worked_by_hand():
    # w = 0.8: f = 1.6, C = 0.36, ∂C/∂w = 2·2·(1.6 − 1) = 2.4; w' = 0.8 − 0.1·2.4 = 0.56.
    trace = run_example("simple_network", 0, learning_rate=0.1, steps=1)["traces"]["tf2_eager"]
    assert trace["lr=0.1/float64/grad_manual"][0] == pytest.approx(2.4, abs=1e-15)
    assert trace["lr=0.1/float64/w"][0] == pytest.approx(0.56, abs=1e-15)
    assert trace["lr=0.1/float64/cost"][0] == pytest.approx((2 * 0.56 - 1) ** 2, abs=1e-15)


def test_custom_run_replaces_the_published_pair():
    assert [r["name"] for r in make_inputs(0, learning_rate=0.3, steps=4)["runs"]] == [
        "lr=0.3/float64", "lr=0.3/float32"]


def exact_distances(inputs, kept, local):
    """{(mode, field): the largest distance, in ULPs of each value, of a float64 run's local update
    (``harness.local_layer``) from the exact one in rational arithmetic: w, the exact update of the
    Session's state before it; cost, the exact cost of the mode's own w. TF1's own under "tf1_graph"."""
    a, y = Fraction(inputs["a"]), Fraction(inputs["y"])
    found = {}
    for config in (c for c in inputs["runs"] if c["dtype"] == "float64"):
        name, rate = config["name"], Fraction(config["learning_rate"])
        for mode, (desired, actual, steps) in local.items():
            for who, trace in (("tf1_graph", desired), (mode, actual)):
                for i, k in enumerate(steps[:len(trace[f"{name}/w"])]):
                    w, cost = float(trace[f"{name}/w"][i]), float(trace[f"{name}/cost"][i])
                    before = Fraction(float(kept[k - 1][f"{name}/w"]))
                    exact = {"w": before - rate * 2 * a * (a * before - y), "cost": (a * Fraction(w) - y) ** 2}
                    for field, value in (("w", w), ("cost", cost)):
                        distance = float(abs(Fraction(value) - exact[field]) / Fraction(float(np.spacing(abs(value)))))
                        key = (who, f"{name}/{field}")
                        found[key] = max(found.get(key, 0.0), distance)
    return found


def float64_local_layer(steps=None):
    data, *twins = harness.load("simple_network")
    inputs = data.make_inputs(0, steps=steps)
    on_step, kept = harness.state_keeper(twins)
    reference = harness.run_mode(twins, "tf1_graph", inputs, on_step=on_step)
    local = harness.local_layer(twins, inputs, ALL_MODES, kept, harness.loss_series(reference, data))
    return exact_distances(inputs, kept, local)


def test_float64_local_updates_are_rounding_of_the_exact_update():
    """The float64 confirmation (tfparity.core.confirm) cannot check a float64 run: cast to float64 it
    is the same run. Here XLA's local difference on the float64 runs (shared_data's bound) is held to
    the exact update instead: every mode's and the Session's within ROUNDING_FACTOR ULPs of it."""
    found = float64_local_layer()
    assert {mode for mode, _ in found} == set(ALL_MODES) and {field for _, field in found} == {
        f"lr={rate}/float64/{field}" for rate in ("1", "0.1") for field in ("w", "cost")}
    assert max(found.values()) <= ROUNDING_FACTOR, {key: d for key, d in found.items() if d > ROUNDING_FACTOR}


def test_the_exact_update_catches_a_rate_off_by_10_percent(monkeypatch):
    monkeypatch.setattr(port, "train_step", lambda a, y, w, rate, step=port.train_step: step(a, y, w, rate * 1.1))
    found = float64_local_layer(steps=4)
    assert all(found[(mode, "lr=0.1/float64/w")] > 100 * ROUNDING_FACTOR for mode in ALL_MODES[1:]), found
    assert found[("tf1_graph", "lr=0.1/float64/w")] <= ROUNDING_FACTOR
