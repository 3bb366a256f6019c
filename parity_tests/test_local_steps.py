"""The local layer (teacher forcing): each TF2 mode's one update from the Session's own state,
against the Session's next state. A porting slip shows at its full size on the update where it acts
(update 1), while a correct port stays within its rounding bound, under either oneDNN setting (run
this file with TF_ENABLE_ONEDNN_OPTS=0 and =1)."""
import functools

import keras
import pytest
import tensorflow as tf
from conftest import quick_options

import tf2_eager.convnet as port
from tfparity.core import harness, local_record, report
from tfparity.core.machine import onednn_active
from tfparity.core.tolerances import bounds, tolerance
from tfparity.port import optimizers

LOCAL_MODES = ("tf2_eager", "tf2_function", "tf2_loop", "tf2_xla", "tf2_keras")
# Every slip must be this many times its mode's local bound (or, where the mode is bit-identical
# here, this many ULPs at the field's largest value).
MARGIN = 100


def sum_for_mean(logits, y):
    return tf.reduce_sum(tf.nn.softmax_cross_entropy_with_logits(labels=y, logits=logits))


PLANTED = {  # name: [(object, attribute, replacement)]
    "learning rate off by 10%": [(port, "ADAM", dict(port.ADAM, tf1=lambda rate: optimizers.Adam(rate * 1.1)))],
    "a sum for a mean": [(port, "loss_fn", sum_for_mean),
                         (keras.losses, "CategoricalCrossentropy",
                          functools.partial(keras.losses.CategoricalCrossentropy, reduction="sum"))],
}


def local(seed=0):
    """{mode: local Verdict} of a small convnet run: the reference's states, then each mode's one update."""
    data, *twins = harness.load("convnet")
    inputs = data.make_inputs(seed, **quick_options("convnet"))
    on_step, kept = harness.state_keeper(twins)
    reference = harness.run_mode(twins, "tf1_graph", inputs, on_step=on_step)
    found = harness.local_layer(twins, inputs, ("tf1_graph",) + LOCAL_MODES, kept, reference["loss"])
    return harness.local_verdicts("convnet", found)


def test_local_steps_are_the_first_few_then_powers_of_two_and_three_times_them():
    assert [k for k in range(1, 100) if harness.local_step(k)] == [1, 2, 3, 4, 6, 8, 12, 16, 24, 32, 48, 64, 96]


@pytest.fixture(scope="module")
def correct():
    return local()


def test_the_correct_port_passes_locally_and_the_control_is_bit_identical(correct):
    assert correct["tf1_graph"].status == "bit-identical", correct["tf1_graph"]  # the state is the whole state
    for mode in LOCAL_MODES:
        assert correct[mode].ok and correct[mode].local == 4, (mode, str(correct[mode]))
    if not onednn_active():
        assert {correct[m].status for m in LOCAL_MODES if m != "tf2_xla"} == {"bit-identical"}, {m: str(correct[m]) for m in correct}


@pytest.mark.parametrize("bug", PLANTED)
def test_a_planted_slip_fails_the_local_verdict_at_update_1_by_a_wide_margin(bug, monkeypatch):
    for owner, attribute, replacement in PLANTED[bug]:
        monkeypatch.setattr(owner, attribute, replacement)
    found = local()
    assert found["tf1_graph"].status == "bit-identical"
    for mode in LOCAL_MODES:
        verdict = found[mode]
        assert verdict.status == "mismatch" and verdict.first_mismatch["step"] == 1, (bug, mode, str(verdict))
        bound = max(tolerance("convnet", mode).ulp, 1)
        assert verdict.max_ulp >= MARGIN * bound, (bug, mode, verdict.max_ulp, bound)


def test_the_harness_reports_both_layers_and_judges_a_differing_trajectory_by_its_local_steps():
    result = harness.run_example("convnet", 0, modes=["tf1_graph", "tf2_eager", "tf2_function"],
                                 **quick_options("convnet"))
    parity = result["parity"]
    assert set(parity["local"]) == {"tf1_graph", "tf2_eager", "tf2_function"}
    trajectory = parity["verdicts"]["tf2_function"]
    assert trajectory.status == ("differs" if onednn_active() else "bit-identical"), str(trajectory)
    assert trajectory.ok and parity["local"]["tf2_function"].ok
    # tfparity run prints both layers, the local one first, and the trajectory's end both ways.
    lines = report.verdict_lines(result)
    assert lines[0].startswith("convnet: tf1_graph from its own state (4 updates; the control"), lines
    line = next(l for l in lines if l.startswith("convnet: tf2_function vs tf1_graph: "))
    assert "local, 4 updates from the Session's own state: " in line and "; trajectory: " in line, line
    assert "final loss " in line and "(TF1 " in line and "final accuracy " in line, line
    rows = {row["mode"]: row for row in report.read_summary(["== parity summary", *report.summary({"convnet": result}, {})])}
    assert rows["tf1_graph"]["local"] == rows["tf2_eager"]["local"] == "bit-identical", rows
    assert rows["tf2_function"]["local"].startswith("within, max " if onednn_active() else "bit-identical"), rows


def test_each_local_bound_is_twice_the_recorded_measurement_rounded_up_to_a_power_of_two():
    """The convnet's BOUNDS cite docs/results/local_steps.json; the numbers live there, not in prose."""
    record = local_record.load()["convnet"]
    assert set(record) == {"onednn on", "onednn off"}
    declared = bounds("convnet")
    for mode, found in declared.items():
        measured = max(entry["modes"][mode]["scaled_ulp"] for entry in record.values())
        for bound in found:
            assert bound.ulp == 1 << max(2 * int(measured) - 1, 0).bit_length() and bound.atol == 0, (mode, bound, measured)
            assert "local_steps.json" in bound.measured
