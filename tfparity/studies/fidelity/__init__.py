"""Fidelity to the source texts: every number they printed, reproduced or put in its distribution.

A study: ``measure()`` runs the cookbook recipes over SEEDS seeds each (the regression also with
the recipe's other loss, L1) and the decoupled RNN's variants (the original's flaws, as options of
the example) over RNN_SEEDS seeds; ``render(folder)`` writes docs/fidelity.md. The examples'
pages read the same record (``PUBLISHED`` in each shared_data module names it), so each printed
number appears there beside our seed-0 run and the distribution.
"""
from tfparity.core import records
from tfparity.core.files import write_atomic
from tfparity.core.paths import NOTES

NAME = "fidelity"  # the record's and the page's name
# 1,000 seeds: a printed value's percentile to a tenth of a percent; about a minute per recipe.
SEEDS = range(1000)
# The decoupled RNN takes about a minute per seed for both methods, and six variants: 5 seeds
# show whether a variant's accuracy is a seed's luck (the post's observation was one run).
RNN_SEEDS = range(5)
# The recipe's regression also names L1 (tf.abs in place of tf.square): run it too, as the
# alternative that would make the printout atypical.
OTHER_LOSS = "l1"
# The recipe's loss without the mean, run as written in a TF1 graph on these seeds.
UNREDUCED_SEEDS = range(20)


def measure(seeds=SEEDS, rnn_seeds=RNN_SEEDS, unreduced_seeds=UNREDUCED_SEEDS, rnn_sizes=None):
    """The record: per example, its PUBLISHED rows' summaries and what the page draws."""
    import shared_data.classification as classification
    import shared_data.decoupled_rnn as decoupled_rnn
    import shared_data.regression as regression
    from tfparity.core.jsonio import jsonable
    from tfparity.core.machine import fingerprint
    from tfparity.studies.fidelity import cookbook, rnn
    last_A = lambda data: [r["what"] for r in data.PUBLISHED["rows"] if r["field"] == "A"][-1:]
    found = {
        "regression": cookbook.study("regression", seeds, regression.PUBLISHED["rows"], last_A(regression)),
        "classification": cookbook.study("classification", seeds, classification.PUBLISHED["rows"],
                                         last_A(classification) + ["accuracy at the end"]),
        "decoupled_rnn": rnn.study(rnn_seeds, decoupled_rnn.PUBLISHED["rows"], decoupled_rnn.VARIANTS, **(rnn_sizes or {})),
    }
    found["regression"]["other_loss"] = cookbook.study("regression", seeds, regression.PUBLISHED["rows"], loss=OTHER_LOSS)
    found["regression"]["unreduced_same_bits"] = cookbook.unreduced_loss_same_bits(unreduced_seeds)
    return jsonable({"example": NAME, "machine": fingerprint(), "examples": found})


def render(folder):
    if records.record_path(folder, NAME).exists():
        from tfparity.studies.fidelity.page import page
        write_atomic(folder / f"{NAME}.md", page(records.load_plain(folder, NAME), (NOTES / f"{NAME}.md").read_text(), folder))
