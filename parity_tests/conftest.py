import os
import pathlib

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
# Tests and CI read the real MNIST from the shared folder beside the checkout.
SHARED_MNIST = pathlib.Path(__file__).resolve().parents[1].parent / "shared" / "data" / "mnist"
if SHARED_MNIST.is_dir():
    os.environ.setdefault("MNIST_DIR", str(SHARED_MNIST))


def _two_logical_cpus():
    """data_parallel's MirroredStrategy runs on 2 logical CPUs, which TensorFlow fixes when it first
    initializes its devices: set before any test does, so it runs in this process (elsewhere its
    TF2 twin runs itself in a fresh process). Every other example places its ops on /cpu:0 alone."""
    import tensorflow as tf
    try:
        tf.config.set_logical_device_configuration(tf.config.list_physical_devices("CPU")[0],
                                                   [tf.config.LogicalDeviceConfiguration()] * 2)
    except RuntimeError:
        pass  # initialized already (conftest imported late): the fresh-process fallback applies


_two_logical_cpus()
# Grappler's options as TensorFlow set them in this process, before any test (see runs_as_a_fresh_process).
_GRAPPLER_AT_START = __import__("tensorflow").config.optimizer.get_experimental_options()
# TensorFlow's own tf.compat: importing tf-keras's legacy cells (the mnist_rnn TF1 twin, the planted
# RNN pairs) imports tensorflow.compat again under its dotted name, which binds tf.compat to that
# second copy; the scanner's probe and the runtime's checks read tf.compat.v1's modules by identity.
_COMPAT_AT_START = __import__("tensorflow").compat


@__import__("pytest").fixture(autouse=True)
def _tensorflow_compat_as_it_was():
    """Every test starts and ends with TensorFlow's own tf.compat (see _COMPAT_AT_START)."""
    import tensorflow as tf
    tf.compat = _COMPAT_AT_START
    yield
    tf.compat = _COMPAT_AT_START


def runs_as_a_fresh_process(onednn):
    """Whether a run in this process is what a fresh process with TF_ENABLE_ONEDNN_OPTS=``onednn``
    would run: oneDNN in that state (on by this CPU's default, or as this process was started) and
    grappler's options as TensorFlow set them. Then a test reuses a run of this process instead of
    paying for another process; elsewhere it starts one."""
    import tensorflow as tf

    from tfparity.core.machine import onednn_active
    return onednn_active() == (onednn == "1") and tf.config.optimizer.get_experimental_options() == _GRAPPLER_AT_START


def statuses(result):
    """A run's statuses as ``tfparity.core.harness.verdict_summaries`` gives them from a fresh process."""
    from tfparity.core import harness
    return harness.statuses(result["parity"])


def quick_options(name):
    """The example's own small setting (``QUICK`` in shared_data); skips examples that need MNIST
    when it is absent."""
    import inspect

    import pytest

    from tfparity.core.harness import load
    data = load(name)[0]
    if "data_dir" in inspect.signature(data.make_inputs).parameters and not os.environ.get("MNIST_DIR"):
        pytest.skip("needs the real MNIST (MNIST_DIR)")
    return dict(data.QUICK)


# A record from another machine (tfparity.core.machine.BITS differ) is held to these instead of bit
# identity: its first epoch, re-run here, was measured within 9.4e-7 relative or 1.1e-7 absolute
# of an AVX2 record on AVX-512 with oneDNN on and off (ULP-level kernel differences, one epoch).
OTHER_MACHINE_RTOL, OTHER_MACHINE_ATOL = 1e-4, 1e-6


def assert_record_begins_as_a_fresh_run(name, epochs, modes):
    """The committed full-run record (``tfparity docs NAME``) starts where a fresh run of its first
    epochs ends: bit for bit at every recorded point of every per-step and per-epoch series when
    the record was measured on a machine that gives the same bits, else within the band above.
    Whole-loop modes are held to the Session's series."""
    import numpy as np

    from tfparity.core import machine, records
    from tfparity.core.harness import load, run_mode
    from tfparity.core.paths import DOCS
    data, *twins = load(name)
    inputs = dict(data.make_inputs(0), epochs=epochs)  # the default inputs, first epochs only
    record = records.load(DOCS, name)
    exact = machine.same_bits(record.get("machine"))
    for mode in modes:
        trace = run_mode(twins, mode, inputs)
        for field, series in record["series"].get(mode, record["series"]["tf1_graph"]).items():
            fresh = trace[field][series["every"] - 1::series["every"]]
            recorded = series["values"][:len(fresh)]
            assert len(fresh) > 0, f"{mode} {field}: nothing to compare"
            if exact:
                assert fresh.tobytes() == recorded.tobytes(), (
                    f"{mode} {field}: docs/results/{name}.json is stale, run `tfparity docs {name}`")
            else:
                np.testing.assert_allclose(fresh, recorded, OTHER_MACHINE_RTOL, OTHER_MACHINE_ATOL,
                                           err_msg=f"{mode} {field}, against a record of another machine")
    return exact
