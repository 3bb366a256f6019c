"""The one-weight network: parity, the published table, and manual == automatic gradient."""
import numpy as np
import pytest

from shared_data.simple_network import make_inputs
from tfparity.core.harness import run_example
from tfparity.core.modes import MODES


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
