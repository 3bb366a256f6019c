"""Where a measurement was taken: TensorFlow, the CPU and its vector ISA, oneDNN, threads.

Parity between twins is measured afresh on the machine at hand; a committed record is a
measurement of one machine. Two machines give the same bits only when the keys in ``BITS``
agree: the TensorFlow (and Keras) build, the ISA class that picks Eigen's and oneDNN's kernels
(AVX2 and AVX-512 kernels vectorize, and so round, differently), whether oneDNN's custom ops are
on, and the intra-op thread count in effect: the determinism matrix (docs/performance.md) found
1 and 2 threads identical on AVX2 with oneDNN off, but not on AVX-512 with oneDNN on (the RNN).
The CPU model is recorded but does not decide the bits.
"""
import functools
import os
import pathlib
import platform

# The fingerprint keys that decide a run's bits (see the module docstring).
BITS = ("tensorflow", "keras", "isa", "onednn", "intra_op_threads")
# CPU flags, strongest first, that name the ISA class on Linux x86 (/proc/cpuinfo).
# The environment that forces oneDNN's custom ops on or off in a fresh process (it is read once,
# when TensorFlow loads), and the two settings by the labels records key them with.
ONEDNN_ON, ONEDNN_OFF = {"TF_ENABLE_ONEDNN_OPTS": "1"}, {"TF_ENABLE_ONEDNN_OPTS": "0"}
ONEDNN_SETTINGS = {"oneDNN on": ONEDNN_ON, "oneDNN off": ONEDNN_OFF}
ISA_FLAGS = (("amx_tile", "AMX"), ("avx512f", "AVX-512"), ("avx2", "AVX2"))
CPUINFO = pathlib.Path("/proc/cpuinfo")


def _cpuinfo(key):
    try:
        text = CPUINFO.read_text()
    except OSError:
        return None
    for line in text.splitlines():
        name, _, value = line.partition(":")
        if name.strip() == key:
            return value.strip()
    return None


def isa_class():
    """'AMX', 'AVX-512', 'AVX2', or the processor name where no such flag is known (not x86)."""
    flags = set((_cpuinfo("flags") or "").split())
    return next((label for flag, label in ISA_FLAGS if flag in flags), platform.machine() or "unknown")


def cpu_model():
    return _cpuinfo("model name") or platform.processor() or platform.machine() or "unknown"


@functools.cache
def onednn_active():
    """Whether oneDNN's custom ops are on in this process, read off the kernels TensorFlow ran.

    A Session runs one MatMul with a bias add and returns its partition graph: the graph after
    grappler and the oneDNN layout pass. oneDNN on, its ops are ``_Mkl*``; off, Eigen's
    ``MatMul`` or ``_FusedMatMul``. Anything else raises: the probe could not decide."""
    import numpy as np
    import tensorflow.compat.v1 as tf1
    graph = tf1.Graph()
    with graph.as_default():
        x = tf1.placeholder(tf1.float32, [2, 3])
        y = tf1.nn.bias_add(tf1.matmul(x, tf1.ones([3, 4])), tf1.ones([4]))
        metadata = tf1.RunMetadata()
        with tf1.Session(graph=graph) as session:
            session.run(y, {x: np.ones((2, 3), np.float32)}, run_metadata=metadata,
                        options=tf1.RunOptions(output_partition_graphs=True))
    return decide({node.op for part in metadata.partition_graphs for node in part.node})


def decide(ops):
    """oneDNN on or off from the op types of a MatMul + BiasAdd partition graph."""
    if any(op.startswith("_Mkl") for op in ops):
        return True
    if ops & {"MatMul", "_FusedMatMul"}:
        return False
    raise RuntimeError(f"cannot tell whether oneDNN is on: the probe ran {sorted(ops)}")


def threads():
    """Intra- and inter-op threads as configured (0: TensorFlow picks, one per core)."""
    import tensorflow as tf
    return {"intra_op": tf.config.threading.get_intra_op_parallelism_threads()
            or int(os.environ.get("TF_NUM_INTRAOP_THREADS", 0)),
            "inter_op": tf.config.threading.get_inter_op_parallelism_threads()
            or int(os.environ.get("TF_NUM_INTEROP_THREADS", 0)),
            "cores": os.cpu_count()}


@functools.cache
def _fingerprint():
    import keras
    import numpy as np
    import tensorflow as tf
    return {"tensorflow": tf.__version__, "keras": keras.__version__, "numpy": np.__version__,
            "python": platform.python_version(), "cpu": cpu_model(), "isa": isa_class(),
            "onednn": onednn_active(), **{f"threads_{k}": v for k, v in threads().items()}}


def fingerprint():
    """This process's machine, as every results file records it."""
    return dict(_fingerprint())


def _bits(machine):
    """The BITS of a fingerprint; the thread count in effect is the configured one, else one per core."""
    bits = {key: machine.get(key) for key in BITS}
    bits["intra_op_threads"] = machine.get("threads_intra_op") or machine.get("threads_cores")
    return bits


def same_bits(recorded, here=None):
    """Whether a record measured on ``recorded`` can be required to match this machine bit for bit."""
    return bool(recorded) and _bits(recorded) == _bits(here or fingerprint())


def describe(machine):
    """One line for pages: 'TensorFlow 2.21.0, AMD EPYC (AVX-512), oneDNN on, 2 cores'."""
    return (f"TensorFlow {machine['tensorflow']}, {machine['cpu']} ({machine['isa']}), "
            f"oneDNN {'on' if machine['onednn'] else 'off'}, {machine['threads_cores']} cores")
