"""What breaks parity, each measured in a fresh process: the evidence behind docs/pitfalls.md.

A study: ``measure()`` returns the record, ``render(folder)`` writes the page from it. Each pitfall
is a module of this package with a ``measure()`` of its own, run by ``tfparity.core.fresh.call`` so
that what it switches (eager execution, XLA for every tf.function, oneDNN) stays in its process.
"""
import re

from tfparity.core import fresh, records
from tfparity.core.files import write_atomic
from tfparity.core.machine import describe
from tfparity.core.paths import NOTES
from tfparity.render.pages import GENERATED, table

# The page's order; docs/notes/pitfalls.md has a `<!-- pitfall: NAME -->` section for each.
NAMES = ("random_seeds", "float64_learning_rate", "grappler_arithmetic", "xla", "onednn_fusion",
         "keras3", "disable_eager_execution", "ops_in_loop", "dropout_keep_prob", "auto_reuse",
         "keras_variables", "lstm_gate_order", "lstm_forget_bias", "gru_reset_after", "sequence_length_mask",
         "time_major", "bn_update_ops", "bn_training_flag", "bn_momentum", "lr_staircase", "summary_step", "queue_order")
# Pitfalls measured under several environments (the variable must be set before TF starts).
# None removes the variable: TensorFlow then follows the CPU's own default.
ENVIRONMENTS = {"onednn_fusion": {"TF_ENABLE_ONEDNN_OPTS unset (this CPU's default)": {"TF_ENABLE_ONEDNN_OPTS": None},
                                  "TF_ENABLE_ONEDNN_OPTS=1": {"TF_ENABLE_ONEDNN_OPTS": "1"},
                                  "TF_ENABLE_ONEDNN_OPTS=0": {"TF_ENABLE_ONEDNN_OPTS": "0"}}}


def measure_one(name, environment=None):
    return fresh.call(f"tfparity.studies.pitfalls.{name}:measure", {}, environment)


def measure():
    from tfparity.core.machine import fingerprint
    evidence = {name: {label: measure_one(name, env) for label, env in ENVIRONMENTS[name].items()}
                if name in ENVIRONMENTS else measure_one(name) for name in NAMES}
    return dict(evidence, example="pitfalls", machine=fingerprint())


def remeasure(folder, names):
    """The record in ``folder`` with only ``names`` measured again (each in its fresh process), the
    others kept as recorded: for a new pitfall, where the whole study need not run again. The machine
    must be the record's (``fingerprint``), or the record would mix two machines' bits."""
    from tfparity.core.machine import fingerprint
    record = records.load_plain(folder, "pitfalls")
    if record.get("machine") != fingerprint():
        raise RuntimeError(f"the record was measured on {describe(record.get('machine'))}: run the whole study here")
    records.save(folder, dict({name: record[name] for name in NAMES if name in record},
                              **{name: measure_one(name) for name in names}, example="pitfalls", machine=record["machine"]))


def page(record):
    intro, *chunks = re.split(r"<!-- pitfall: (\w+) -->\n", (NOTES / "pitfalls.md").read_text())
    parts = [intro.strip(), GENERATED]
    for name, text in zip(chunks[::2], chunks[1::2]):
        evidence = record[name]
        nested = all(isinstance(v, dict) for v in evidence.values())
        rows = ([[label, key, value] for label, group in evidence.items() for key, value in group.items()]
                if nested else [[key, value] for key, value in evidence.items()])
        parts += [text.strip(), f"Measured on {describe(record['machine'])} (`{name}`):",
                  table((["setting"] if nested else []) + ["what", "result"], rows)]
    return "\n\n".join(parts) + "\n"


def render(folder):
    if records.record_path(folder, "pitfalls").exists():
        write_atomic(folder / "pitfalls.md", page(records.load_plain(folder, "pitfalls")))
