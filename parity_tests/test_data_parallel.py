"""data_parallel: TF1 towers, MirroredStrategy and two worker processes against one device, on real MNIST.

The twins are bit-identical to each other (oneDNN's eager gap and XLA aside); one device differs
from them only by the order its batch is summed in, which the one_device_sum='halves' run removes.
Every mode is also judged one update at a time from the towers' own state (the local layer), the
one-device runs (TF1's too) included.
"""
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path
from unittest import mock

import numpy as np
import pytest

import tf1_graph.data_parallel as tf1_twin
import tf1_graph.mlp as tf1_mlp
import tf2_eager.data_parallel as tf2_twin
from shared_data import mlp
from shared_data.data_parallel import make_inputs
from tfparity.core import cluster, fresh
from tfparity.core.compare import compare
from tfparity.core.harness import local_step, run_example

pytestmark = pytest.mark.skipif(not os.environ.get("MNIST_DIR"), reason="needs the real MNIST (MNIST_DIR)")
# Ten updates of 32: a second of work per mode, enough for the halves to differ from one sum.
SMALL = dict(epochs=1, train_size=320, test_size=100)
# Without the multi-worker mode (its own test below): each of its runs starts two processes.
IN_PROCESS = ("tf1_graph", "tf2_eager", "tf2_function", "tf2_loop", "tf2_xla", "tf1_one_device", "tf2_one_device")
# The fault tests' cluster timeout: what a worker that never joins costs. A fault that is not a
# timeout must be reported before the generous one (workers import TensorFlow: slow on loaded cores).
FAULT_TIMEOUT_S, GENEROUS_TIMEOUT_S = 10, 180


@pytest.fixture(scope="module")
def small():
    return run_example("data_parallel", 0, **SMALL)


def test_every_variant_agrees_with_the_towers_and_one_device_differs_only_by_summation_order(small):
    verdicts, local = small["parity"]["verdicts"], small["parity"]["local"]
    for mode in ("tf2_function", "tf2_multiworker"):  # the default modes (tf2_loop: below)
        assert verdicts[mode].status == local[mode].status == "bit-identical", (mode, verdicts[mode], local[mode])
    assert verdicts["tf2_eager"].status == "bit-identical" or verdicts["tf2_eager"].causes == ("onednn",)
    for mode in ("tf1_one_device", "tf2_one_device"):  # the cause acts here: not bit-identical
        assert verdicts[mode].status == "differs" and verdicts[mode].causes == ("allreduce_order",), verdicts[mode]
        assert local[mode].status == "within" and local[mode].causes == ("allreduce_order",), local[mode]
    # Every mode stepped from the towers' state, the towers' own step the bit-identical control.
    assert set(local) == set(verdicts) | {"tf1_graph"} and local["tf1_graph"].status == "bit-identical"
    checked = sum(map(local_step, range(1, len(small["traces"]["tf1_graph"]["loss"]) + 1)))
    assert all(verdict.ok and verdict.local == checked for verdict in local.values()), {m: str(v) for m, v in local.items()}


def test_summed_per_half_one_device_is_bit_identical_to_every_replicated_run():
    # The cause proof: one device, one Session, no collective, but the batch summed as the replicas
    # sum it (a mean per half, the halves averaged): nothing differs any more.
    parity = run_example("data_parallel", 0, IN_PROCESS, one_device_sum="halves", **SMALL)["parity"]
    for mode in ("tf2_function", "tf2_loop", "tf1_one_device", "tf2_one_device"):
        for layer in ("verdicts", "local"):
            assert parity[layer][mode].status == "bit-identical", (layer, mode, parity[layer][mode])


def _statuses(onednn, **options):
    found = fresh.call("tfparity.core.harness:verdict_summaries", dict(
        name="data_parallel", modes=list(IN_PROCESS), strict=True, **SMALL, **options), {"TF_ENABLE_ONEDNN_OPTS": onednn})
    assert found["machine"]["onednn"] == (onednn == "1"), found["machine"]
    return found["statuses"]


def test_with_onednn_off_and_the_halves_summed_every_mode_but_xla_is_bit_identical():
    statuses = _statuses("0", one_device_sum="halves")
    assert statuses.pop("tf2_xla") == "differs" and statuses.pop("tf2_xla, local") in ("within", "bit-identical")
    assert set(statuses.values()) == {"bit-identical"}, statuses


def test_the_one_device_reference_is_the_mlp_examples_tf1_twin_bit_for_bit():
    options = dict(SMALL, batch_size=32)
    reference = tf1_mlp.run(mlp.make_inputs(0, **options))
    one_device = tf1_twin.run_one_device(make_inputs(0, **SMALL))
    assert compare(reference, one_device).status == "bit-identical"


def tower_mean(logits, y):
    """The TF1 tower's loss ported verbatim into strategy.run: the mean over the replica's half."""
    import tensorflow as tf
    return tf.reduce_mean(tf.nn.softmax_cross_entropy_with_logits(labels=y, logits=logits))


def test_pitfall_reduce_mean_inside_strategy_run_doubles_every_update(small):
    # Averaged per replica and then summed by the all-reduce, the gradient is 2x the global mean's.
    inputs = make_inputs(0, **dict(SMALL, train_size=32))
    with mock.patch.object(tf2_twin, "loss_fn", tower_mean):
        wrong = tf2_twin.run(inputs, function=True)
    right = tf1_twin.run(inputs)
    verdict = compare(right, wrong)
    assert verdict.status == "mismatch" and verdict.first_mismatch["step"] == 1, verdict
    for name in tf1_twin.PARAMS:  # one update: W0 - lr * 2g against W0 - lr * g
        np.testing.assert_allclose(inputs[name] - wrong[name][0], 2 * (inputs[name] - right[name][0]),
                                   rtol=1e-3, atol=1e-7)


def children(parent=None):
    """The child processes of ``parent`` (default: this process) alive or unreaped that run tfparity.core.cluster."""
    found, parent_pid = [], parent or os.getpid()
    for stat in os.listdir("/proc"):
        try:
            with open(f"/proc/{stat}/stat") as f:
                ppid = int(f.read().rsplit(")", 1)[1].split()[1])
            with open(f"/proc/{stat}/cmdline", "rb") as f:
                command = f.read()
        except (OSError, ValueError, IndexError):
            continue
        if ppid == parent_pid and b"tfparity.core.cluster" in command:
            found.append(int(stat))
    return found


def _fails(*args, **options):
    start = time.monotonic()
    with pytest.raises(cluster.ClusterError) as error:
        cluster.run(*args, **options)
    return str(error.value), time.monotonic() - start


def test_a_worker_that_exits_mid_run_is_one_line_within_the_timeout_and_leaves_no_process():
    inputs = make_inputs(0, **dict(SMALL, epochs=2, train_size=64))
    targets = ["tf2_eager.data_parallel:run", "tfparity.studies.distributed.faults:exit_mid_run"]
    message, seconds = _fails(targets, inputs, 2, timeout=GENEROUS_TIMEOUT_S, function=True)
    assert message.startswith("worker 1 exited with status 3") and "\n" not in message, message
    assert seconds < GENEROUS_TIMEOUT_S and children() == []


def test_a_port_already_taken_is_one_line_at_once_and_starts_no_process():
    with socket.socket() as taken:
        taken.bind((cluster.HOST, 0))
        taken.listen()
        port = taken.getsockname()[1]
        message, seconds = _fails("tf2_eager.data_parallel:run", make_inputs(0, **SMALL), 2,
                                  ports=[port, cluster.free_ports(1)[0]], function=True)
    assert message == f"port {port} on {cluster.HOST} is already taken" and seconds < 1
    assert children() == []


def test_a_worker_that_never_joins_times_out_in_bounded_time_and_leaves_no_process():
    targets = ["tf2_eager.data_parallel:run", "tfparity.studies.distributed.faults:never_joins"]
    message, seconds = _fails(targets, make_inputs(0, **SMALL), 2, timeout=FAULT_TIMEOUT_S, function=True)
    assert message.startswith(f"the cluster did not finish within {FAULT_TIMEOUT_S} s") and "\n" not in message
    assert FAULT_TIMEOUT_S <= seconds < FAULT_TIMEOUT_S + cluster.GRACE + 2 and children() == []


def test_ctrl_c_during_the_multi_worker_run_exits_130_and_stops_both_workers():
    # Interrupted while its workers start (seconds: each imports TensorFlow), after the other modes.
    # --full: by default the main job leaves the multi-worker mode out (data_parallel's FIRST_EPOCHS).
    command = [str(Path(sys.executable).parent / "tfparity"), "run", "data_parallel", "--full", "--train-size", "64",
               "--test-size", "16"]
    run = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    try:
        deadline = time.monotonic() + GENEROUS_TIMEOUT_S
        while len(workers := children(run.pid)) < 2 and time.monotonic() < deadline and run.poll() is None:
            time.sleep(0.2)
        if len(workers) != 2:
            run.kill()
            raise AssertionError(f"the multi-worker mode never started (exit {run.wait()}): {run.stderr.read()[-2000:]}")
        run.send_signal(signal.SIGINT)
        assert run.wait(GENEROUS_TIMEOUT_S) == 130 and run.stderr.read().strip().endswith("interrupted")
    finally:
        run.kill()
        run.wait()
    assert not [pid for pid in workers if os.path.exists(f"/proc/{pid}")], workers
