"""Inputs for data-parallel training: the mlp example's MNIST, weights and batches, each global batch split over the replicas."""
from shared_data import mlp
from tfparity.core.tolerances import Bound

PARAMS = mlp.PARAMS
# Two replicas (two CPU devices, or two worker processes), the mlp's global batch of 32: 16 each.
REPLICAS, BATCH_SIZE = 2, 32
# One epoch (1,875 updates) instead of the mlp's 30: every variant runs once per record, and eager
# MirroredStrategy and the worker processes' collectives cost milliseconds per step.
EPOCHS = 1
# How the one-device reference sums the batch: as one mean ("batch", what single-device code
# does), or as the replicas do, per half and then summed ("halves": the cause switched off).
SUMS = ("batch", "halves")
# A small run that still shows parity: what the tests and the notebooks run by default.
QUICK = {"epochs": 1, "train_size": 64, "test_size": 16}
# `tfparity run`'s default (the main job, docs/performance.md#the-main-job has each mode's seconds):
# the one epoch in every mode but two, left out: eager MirroredStrategy, which dispatches every
# update eagerly to both replicas, and the two worker processes, which each start TensorFlow and
# all-reduce every update over gRPC (the mode whose time grows most on a shared machine). The same
# strategy code as a tf.function (tf2_function) is compared bit for bit; the tests run both small,
# and `--full` and `tfparity docs` in full.
FIRST_EPOCHS = {"tf2_eager": 0, "tf2_multiworker": 0}
# The example's own modes beyond the harness's (tfN_NAME runs twin N's run_NAME): the MLP on one
# device with the same global batch (the reference the variants are measured against), and the
# TF2 twin in two worker processes under MultiWorkerMirroredStrategy.
MODES = ("tf1_one_device", "tf2_one_device", "tf2_multiworker")
# Allowed differences from the TF1 towers, each with its named cause; tfparity/core/tolerances.py
# applies a bound only while its cause is active. They are local bounds: the twins offer one update
# from a given state (step_from; step_from_NAME for each variant: the one-device runs, TF1's too, and
# the worker processes), so every mode is judged on single updates taken from the towers' own state
# (the local layer, tfparity.core.harness.local_layer), in ULPs at each field's largest value; the
# free-running trajectory is reported beside it, not bounded. The measurements are in
# docs/results/local_steps.json (python -m tfparity.core.local_record data_parallel, under each oneDNN
# setting); each bound is the smallest power of two at or above twice the largest of them, as
# parity_tests/test_local_steps.py checks.
LOCAL_BOUNDS = True
# What the local bounds were measured on (tfparity.core.local_record, seeds 0-2): the default run, ten
# updates of a slice (what parity_tests/test_local_steps.py and test_data_parallel.py run) and QUICK.
LOCAL_SETTINGS = ({}, {"epochs": 1, "train_size": 320, "test_size": 100}, QUICK)
# What each bound says of its measurement: where it was taken and the record that holds the numbers.
MEASURED = ("Measured over the checked updates of the default run, of ten updates of a slice and of QUICK "
            "(seeds 0-2), under each oneDNN setting: docs/results/local_steps.json.")
BOUNDS = {
    "tf2_eager": [Bound(
        "onednn", 8, 0.0,
        "oneDNN fuses each MatMul with the bias add after it in the Session's graph; eager MirroredStrategy "
        "runs each replica's ops one by one (as in the mlp example): one update from the towers' state "
        "differs by rounding in the loss and the weights. " + MEASURED + " tf.function, the whole loop and "
        "the worker processes stay bit-identical, and with oneDNN off so does eager.")],
    "tf2_xla": [Bound(
        "xla", 8, 0.0,
        "Each replica's forward and backward pass compiled by XLA rounds its elementwise ops otherwise, "
        "in the loss and the weights. " + MEASURED)],
    "tf1_one_device": [Bound(
        "allreduce_order", 8, 0.0,
        "One device sums the 32 examples' gradients in one reduction; the replicas sum 16 each and the "
        "all-reduce adds the two sums: one update from the towers' state differs by rounding in the loss "
        "and the weights. " + MEASURED + " Summed per half on one device (one_device_sum='halves') it is "
        "bit-identical.")],
    "tf2_one_device": [Bound(
        "allreduce_order", 8, 0.0,
        "The TF2 twin's one-device run differs from the towers as the TF1 one does, for the same reason. "
        + MEASURED + " Summed per half, bit-identical.")],
}
# What `tfparity run` lets a user set beyond the common options: make_inputs parameter -> argparse settings.
OPTIONS = {"train_size": {"type": int, "help": "train on the first N images (MNIST has 60,000)"},
           "test_size": {"type": int, "help": "test on the first N images (MNIST has 10,000)"},
           "one_device_sum": {"choices": SUMS, "help": "how the one-device reference sums the batch's gradient"}}


def make_inputs(seed=0, epochs=EPOCHS, learning_rate=mlp.LEARNING_RATE, train_size=None, test_size=None,
                one_device_sum="batch", data_dir=None, download=False):
    """The mlp's inputs for the same seed, with the global batch and how it is split."""
    if one_device_sum not in SUMS:
        raise ValueError(f"one_device_sum must be one of {', '.join(SUMS)}, got {one_device_sum!r}")
    inputs = mlp.make_inputs(seed, epochs, BATCH_SIZE, learning_rate, train_size=train_size, test_size=test_size,
                             data_dir=data_dir, download=download)
    return dict(inputs, replicas=REPLICAS, replica_batch=BATCH_SIZE // REPLICAS, one_device_sum=one_device_sum)
