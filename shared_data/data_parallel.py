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
# Allowed differences from the TF1 towers, each with its named cause and its measurement.
BOUNDS = {
    "tf2_eager": [Bound(
        "onednn", 32768, 2e-5,
        "Eager MirroredStrategy runs MatMul and the bias add apart, the TF1 Session fuses them (as in "
        "the mlp example). Measured on the full default run (seed 0, 1,875 updates, AVX-512, oneDNN on): "
        "within 20,656 ULP (near-zero W1 entries), 1.55e-6 absolutely; tf.function stays bit-identical.")],
    "tf2_xla": [Bound(
        "xla", 16384, 2e-5,
        "Each replica's step compiled by XLA rounds its elementwise ops differently. Measured on the "
        "default run's first 100 updates (seed 0, AVX-512, docs/distributed.md): within 13,824 ULP "
        "(near-zero entries), 3.58e-7 absolutely with oneDNN on; 4,992 ULP, 3.58e-7 off.")],
    "tf1_one_device": [Bound(
        "allreduce_order", 32768, 1e-5,
        "One device sums the 32 examples' gradients in one reduction; the replicas sum 16 each and "
        "the all-reduce adds the two sums. Measured on the full default run (seed 0, 1,875 updates, "
        "AVX-512): within 23,064 ULP (near-zero entries), 1.91e-6 absolutely with oneDNN on, 13,032 ULP "
        "and 2.03e-6 off; summed per half on one device (one_device_sum='halves') it is bit-identical.")],
    "tf2_one_device": [Bound(
        "allreduce_order", 32768, 1e-5,
        "The TF2 twin's one-device run differs from the towers as the TF1 one does, for the same "
        "reason. Measured on the full default run (seed 0, 1,875 updates, AVX-512): within 23,064 ULP, "
        "1.91e-6 absolutely with oneDNN on, 13,032 ULP and 2.03e-6 off; summed per half, bit-identical.")],
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
