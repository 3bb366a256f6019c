"""The hints of ``tfparity check`` on small synthetic traces (no TensorFlow run), one test per wrong
hint seen in user trials: a stock Keras LSTM called an optimizer namesake, Keras Adam called other
inputs, a loss recorded after the update read as one before it, and a field recorded once said
to differ "at step 1"."""
import numpy as np

from tfparity.check.hints import suspects
from tfparity.core.compare import compare

STEPS = 4
RNG = np.random.default_rng(0)


def _hints(desired, actual):
    hints = suspects(desired, actual, compare(desired, actual))
    assert hints, "no hint"
    return hints


def _ulps(values, n):
    """``values`` moved ``n`` ULPs up, elementwise."""
    for _ in range(n):
        values = np.nextafter(values, np.float32(np.inf))
    return values


def _run(shapes, scale=0.1):
    """A TF1 trace: a decreasing loss read before each update, and weights after each update."""
    trace = {"loss": np.float32(np.linspace(1.0, 0.5, STEPS))}
    trace.update({name: (scale * RNG.standard_normal((STEPS,) + shape)).astype(np.float32)
                  for name, shape in shapes.items()})
    return trace


def _from(desired, step, names, change):
    """A port equal to ``desired`` before ``step`` (1-based); from it on, ``change`` applied to
    ``names``; every field differs by a few ULPs after it (the runs have parted)."""
    actual = {k: v.copy() for k, v in desired.items()}
    for name in names:
        actual[name][step - 1:] = change(actual[name][step - 1:])
    for name in actual:
        actual[name][step:] = _ulps(actual[name][step:], 3)
    return actual


def test_a_stock_keras_lstm_is_a_layer_computed_another_way_not_an_optimizer():
    # The loss after the first step is bit-equal; only the recurrent layer's fields differ, by ULPs,
    # and at small magnitudes (a bias from zero); the dense layer the same optimizer updates is bit-equal.
    desired = _run({"lstm/kernel": (3, 8), "lstm/recurrent_kernel": (2, 8), "lstm/bias": (8,),
                    "dense/kernel": (2, 1), "dense/bias": (1,)})
    desired["lstm/bias"][0] = np.float32([0.0, 1e-3, -2e-3, 0, 0, 0, 0, 0])
    actual = _from(desired, 1, ["lstm/kernel", "lstm/recurrent_kernel", "lstm/bias"], lambda v: _ulps(v, 2))
    actual["lstm/bias"][0, 0] = np.float32(1e-12)  # a zero against a tiny value: many ULPs, rounding still
    [hint] = _hints(desired, actual)
    assert "at step 1 the loss and dense/kernel, dense/bias are bit-identical, but not lstm/kernel" in hint, hint
    assert "a layer computed another way (a stock Keras LSTM" in hint and "namesake" not in hint, hint


def test_an_optimizer_namesake_is_named_when_the_loss_at_step_1_agrees_and_every_weight_differs():
    desired = _run({"w": (3, 2), "b": (2,)})
    [hint] = _hints(desired, _from(desired, 1, ["w", "b"], lambda v: _ulps(v, 3)))
    assert hint.startswith("the loss agrees at step 1 but after the update every other field (w, b) is rounding "
                           "apart (3 ULP)"), hint
    assert "an optimizer namesake such as Keras Adam" in hint


def test_a_loss_read_after_the_update_beside_the_loss_read_before_it_is_no_forward_pass():
    # Keras Adam for TF1's: "loss" (before the update) agrees at step 1, "val_loss" (after it)
    # differs there by rounding, as the weights do: the update, not the inputs.
    desired = dict(_run({"w": (3, 2)}), val_loss=np.float32(np.linspace(0.9, 0.4, STEPS)))
    [hint] = _hints(desired, _from(desired, 1, ["w", "val_loss"], lambda v: _ulps(v, 2)))
    assert "optimizer namesake" in hint and "forward pass" not in hint, hint


def test_a_loss_recorded_after_the_update_is_not_read_as_one_before_it():
    # Only a loss after the update and the weights: both differ from step 1 by rounding. Read
    # before, the forward pass; read after, the update: the traces cannot tell, the hint says both.
    desired = _run({"w": (3, 2)})
    [hint] = _hints(desired, _from(desired, 1, ["w", "loss"], lambda v: _ulps(v, 2)))
    assert hint.startswith("loss and w both differ from step 1: if loss is recorded before the update, the "
                           "forward pass gets other values"), hint
    assert "if after it, the update differs" in hint and "an optimizer namesake" in hint, hint


def test_a_loss_apart_while_the_weights_agree_is_the_forward_pass_wherever_it_is_read():
    desired = _run({"w": (3, 2)})
    [hint] = _hints(desired, _from(desired, 2, ["loss"], lambda v: v * np.float32(1.5)))
    assert hint.startswith("loss differs from step 2 on while w agrees there: the forward pass gets other values")


def test_a_loss_far_apart_beside_weights_only_rounding_apart_is_the_forward_pass():
    desired = _run({"w": (3, 2)})
    actual = _from(desired, 1, ["w"], lambda v: _ulps(v, 1))
    actual["loss"] *= np.float32(1.01)
    [hint] = _hints(desired, actual)
    assert hint.startswith("loss differs from step 1 on while w are only rounding apart: the forward pass"), hint


def test_a_step_size_slip_is_far_apart_relative_to_the_weights():
    desired = _run({"w": (3, 2)})
    [hint] = _hints(desired, _from(desired, 1, ["w"], lambda v: v * np.float32(1.01)))
    assert "the step size (learning rate)" in hint, hint


def test_a_field_recorded_once_differs_at_the_end_not_at_step_1():
    desired = dict(_run({"w": (3, 2)}), w_final=RNG.standard_normal((1, 3, 2)).astype(np.float32))
    actual = {k: v.copy() for k, v in desired.items()}
    actual["w_final"] = _ulps(actual["w_final"], 1)
    [hint] = _hints(desired, actual)
    assert hint.startswith("w_final differs at the end (recorded once)") and "step 1" not in hint, hint


def test_a_field_recorded_once_does_not_move_the_first_difference_to_step_1():
    desired = dict(_run({"w": (3, 2)}), w_final=RNG.standard_normal((1, 3, 2)).astype(np.float32))
    actual = _from(desired, 3, ["w", "w_final"], lambda v: _ulps(v, 2))
    actual["w_final"] = _ulps(actual["w_final"], 2)
    [hint] = _hints(desired, actual)
    assert hint.startswith("the loss agrees at step 3 but after the update every other field (w) is rounding"), hint


def test_a_count_that_flips_beside_weights_rounding_apart_is_no_step_size():
    # The number of right answers is an integer: one flipped prediction is "inf" ULP apart, not far.
    desired = dict(_run({"w": (3, 2)}), correct=np.int64([5, 6, 7, 8]))
    actual = _from(desired, 1, ["w"], lambda v: _ulps(v, 2))
    actual["correct"] = desired["correct"] + 1
    [hint] = _hints(desired, actual)
    assert "optimizer namesake" in hint and "step size" not in hint, hint


def test_a_scalar_per_step_that_agrees_is_no_evidence_against_the_optimizer():
    # An accuracy agreeing beside a weight rounding apart: the optimizer does not update it.
    desired = dict(_run({"w": (3, 2)}), accuracy=np.float32([0.5, 0.6, 0.7, 0.8]))
    [hint] = _hints(desired, _from(desired, 2, ["w"], lambda v: _ulps(v, 1)))
    assert "optimizer namesake" in hint and "accuracy" not in hint, hint


def test_a_loss_with_no_weight_beside_it_is_read_both_ways():
    # Only a loss and an accuracy: a loss read after the update would differ for another update too.
    desired = {"loss": np.float32([1.0, 0.9, 0.8, 0.7]), "accuracy": np.float32([0.5, 0.6, 0.7, 0.8])}
    actual = dict(desired, loss=_ulps(desired["loss"], 2))
    [hint] = _hints(desired, actual)
    assert hint.startswith("loss differs from step 1 on and no weight (an array per step) is recorded beside it: "
                           "if it is recorded before the update"), hint
