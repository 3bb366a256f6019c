"""Bring your own code: the parity of a user's TF1 program and its TF2 port, as a library call.

The contract is this project's twins': ``make_inputs(seed) -> dict`` of every input (data,
initial values, schedules), ``tf1_run(inputs) -> {field: per-step array}`` (a TF1 graph and
Session), ``tf2_run(inputs, function=False) -> the same`` (eager; ``function=True``: the step as a
tf.function) and, optionally, ``tf2_loop(inputs, jit_compile=False)`` (the whole loop in one
tf.function; ``jit_compile=True``: under XLA). ``bounds`` is ``{mode: [Bound(cause, ulp, atol,
measured)]}`` as in an example's ``BOUNDS``: a bound applies only while its cause is active.

    report = tfparity.check(make_inputs, tf1_run, tf2_run)
    assert report.ok, report
"""
from dataclasses import dataclass, field

from tfparity.compare import compare
from tfparity.machine import fingerprint
from tfparity.tolerances import applicable

MODES = ("tf2_eager", "tf2_function")
LOOP_MODES = ("tf2_loop", "tf2_xla")


@dataclass
class Report:
    """Per mode, the verdict against the TF1 run (``compare.Verdict``: status, first difference with
    step, field, index, both values and ULP, the worst distance, the causes allowed)."""
    verdicts: dict
    machine: dict = field(default_factory=dict)

    @property
    def ok(self):
        return all(v.ok for v in self.verdicts.values())

    def __str__(self):
        where = f"TensorFlow {self.machine.get('tensorflow')}, {self.machine.get('isa')}, " \
                f"oneDNN {'on' if self.machine.get('onednn') else 'off'}"
        return "\n".join([f"parity against the TF1 run ({where}):"] +
                         [f"  {mode}: {verdict}" for mode, verdict in self.verdicts.items()])


def check(make_inputs, tf1_run, tf2_run, seed=0, modes=None, bounds=None, tf2_loop=None):
    """Run the TF1 program and each TF2 mode on ``make_inputs(seed)`` and compare every field at
    every step; ``modes`` defaults to eager and tf.function, plus the loop modes when ``tf2_loop``
    is given."""
    modes = tuple(modes or (MODES + (LOOP_MODES if tf2_loop else ())))
    unknown = [m for m in modes if m not in MODES + LOOP_MODES]
    if unknown or (tf2_loop is None and set(modes) & set(LOOP_MODES)):
        raise ValueError(f"modes {', '.join(modes)}: known are {', '.join(MODES + LOOP_MODES)}, "
                         "the last two only with tf2_loop")
    inputs = make_inputs(seed)
    desired = tf1_run(inputs)
    runs = {"tf2_eager": lambda: tf2_run(inputs), "tf2_function": lambda: tf2_run(inputs, function=True),
            "tf2_loop": lambda: tf2_loop(inputs), "tf2_xla": lambda: tf2_loop(inputs, jit_compile=True)}
    return Report({mode: compare(desired, runs[mode](), *applicable(bounds or {}, mode)) for mode in modes},
                  fingerprint())
