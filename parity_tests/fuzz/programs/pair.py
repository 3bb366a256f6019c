"""A user's pair in NumPy alone (the check does not care what computes a trace): ``tf1_run`` is
the reference, ``tf2_run`` agrees with it bit for bit, and every other function is one way a port
can go wrong or a user's code can stop the run. Each takes the arguments ``tfparity check`` passes
(``--tf2``: inputs, function=False; ``--loop``: inputs, jit_compile=False)."""
import multiprocessing
import os
import sys
import threading

import numpy as np

STEPS = 3  # short: the table runs every case in a fresh process


def make_inputs(seed):
    draw = np.random.default_rng(seed)
    return {"w0": draw.normal(size=2).astype(np.float32), "rate": np.float32(0.5), "steps": STEPS}


def tf1_run(inputs):
    """w halves towards 0 at every step; the loss is the sum of its squares."""
    w, trace = inputs["w0"], {"w": [], "loss": []}
    for _ in range(inputs["steps"]):
        w = w - inputs["rate"] * w
        trace["w"].append(w)
        trace["loss"].append(np.float32((w * w).sum()))
    return {field: np.array(values) for field, values in trace.items()}


def tf1_switches_eager_off(inputs):
    import tensorflow.compat.v1 as tf1
    tf1.disable_eager_execution()
    return tf1_run(inputs)


def tf2_run(inputs, function=False):
    return tf1_run(inputs)


def tf2_loop(inputs, jit_compile=False):
    return tf1_run(inputs)


def calls_sys_exit_0(inputs, function=False):
    sys.exit(0)


def calls_os_exit_0(inputs, function=False):
    os._exit(0)


def says_goodbye(inputs, function=False):
    sys.exit("goodbye")


def nothing(inputs, function=False):
    return {}


def nothing_tf1(inputs):
    return {}


def one_step_longer(inputs, function=False):
    longer = dict(inputs, steps=inputs["steps"] + 1)
    return tf1_run(longer)


def kernel_off_by_half(inputs, function=False):
    """The update's kernel scaled by 1.5: a porting bug, not rounding."""
    return {field: values * np.float32(1.5) for field, values in tf1_run(inputs).items()}


def nan_tf1(inputs):
    return {"w": np.full((STEPS, 2), np.nan, np.float32)}


def negative_nan(inputs, function=False):
    """The same NaN with its sign bit set: another bit pattern."""
    return {"w": -np.full((STEPS, 2), np.nan, np.float32)}


def returns_none(inputs, function=False):
    tf1_run(inputs)  # the slip: the trace is built, never returned


def returns_list(inputs, function=False):
    return list(tf1_run(inputs).values())


def ragged(inputs, function=False):
    trace = tf1_run(inputs)
    return dict(trace, w=[step[: i + 1] for i, step in enumerate(trace["w"])])


def zero_steps(inputs, function=False):
    """A loop that never ran: every field with no steps (usable as --tf1 too)."""
    return {"w": np.zeros((0, 2), np.float32), "loss": np.zeros(0, np.float32)}


def scalar_field(inputs, function=False):
    return dict(tf1_run(inputs), loss=np.float32(0.0))


def complex_trace(inputs, function=False):
    """A complex field (usable as --tf1 too)."""
    return {"z": tf1_run(inputs)["w"] * np.complex64(1 + 1j)}


def complex_dropped(inputs, function=False):
    """The complex field's real part only: another dtype."""
    return {"z": tf1_run(inputs)["w"]}


def complex_port(inputs, function=False):
    """The real field of tf1_run as complex: another dtype, whose cast back would drop a part."""
    return {field: values.astype(np.complex64) for field, values in tf1_run(inputs).items()}


def loop_returns_none(inputs, jit_compile=False):
    tf1_run(inputs)  # the slip: the trace is built, never returned


def thread_calls_os_exit(inputs, function=False):
    """os._exit from a thread of the user's: the process must still not end as if all were well."""
    worker = threading.Thread(target=os._exit, args=(0,))
    worker.start()
    worker.join()
    return tf1_run(inputs)


def forks_a_child(inputs, function=False):
    """A child process of the user's (multiprocessing's fork ends the child with os._exit): it
    must end as it asks, and the run go on with what it sent."""
    receive, send = multiprocessing.Pipe(duplex=False)
    child = multiprocessing.get_context("fork").Process(target=_send_trace, args=(send, inputs))
    child.start()
    trace = receive.recv()
    child.join()
    if child.exitcode != 0:
        raise RuntimeError(f"the child ended with {child.exitcode}")
    return trace


def _send_trace(send, inputs):
    send.send(tf1_run(inputs))


def tf1_in_place(inputs):
    """tf1_run updating the inputs' own array in place (``w -= ...``), as NumPy code often does."""
    w, trace = inputs["w0"], {"w": [], "loss": []}
    for _ in range(inputs["steps"]):
        w -= inputs["rate"] * w
        trace["w"].append(w.copy())
        trace["loss"].append(np.float32((w * w).sum()))
    return {field: np.array(values) for field, values in trace.items()}


BUFFER = {}  # one trace buffer of the user's, filled again by every call


def tf1_into_buffer(inputs):
    BUFFER["w"] = tf1_run(inputs)["w"]
    return BUFFER


def off_by_half_into_buffer(inputs, function=False):
    """kernel_off_by_half, written into the same buffer the TF1 trace was returned in: the TF1
    trace must not change with it."""
    BUFFER["w"][...] = kernel_off_by_half(inputs)["w"]
    return BUFFER


def returns_text(inputs, function=False):
    """A field of words, not numbers."""
    return dict(tf1_run(inputs), note=np.array(["step"] * STEPS))


def big_and_small(inputs):
    """A field of thousands beside one of thousandths (usable as --tf1 too)."""
    return {"big": np.full(STEPS, 1000.0, np.float32), "small": np.full(STEPS, 1e-3, np.float32)}


def small_off_by_far(inputs, function=False):
    """The small field off by 900 times itself: an atol judged against the big one let it pass."""
    return dict(big_and_small(inputs), small=np.full(STEPS, 0.9, np.float32))


def all_zero(inputs):
    """A field of zeros beside the pair's trace (usable as --tf1 too)."""
    return dict(tf1_run(inputs), zero=np.zeros(STEPS, np.float32))


def zero_off_by_half(inputs, function=False):
    return dict(tf1_run(inputs), zero=np.full(STEPS, 0.5, np.float32))


def positive_zeros(inputs):
    return {"z": np.zeros((STEPS, 2), np.float32)}


def negative_zeros(inputs, function=False):
    """-0.0 for +0.0: equal as numbers, another bit pattern."""
    return {"z": -np.zeros((STEPS, 2), np.float32)}


def nan_port(inputs, function=False):
    """NaN from step 1, as nan_tf1: nothing finite to compare."""
    return nan_tf1(inputs)


def inf_both(inputs, function=False):
    """inf from step 1 (usable as --tf1 too): nothing finite to compare."""
    return {"w": np.full((STEPS, 2), np.inf, np.float32)}


def deeper_than_numpy(inputs, function=False):
    """A field nested one list deeper than the 64 dimensions NumPy's arrays have."""
    nested = 0.0
    for _ in range(65):
        nested = [nested]
    return dict(tf1_run(inputs), w=[nested] * STEPS)
