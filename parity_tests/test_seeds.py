"""Accuracy targets over seeds: the study re-measured small, and the committed record read as
its pages read it."""
import os

import pytest

import tf1_graph.convnet as tf1_twin
from shared_data.convnet import EPOCHS, PUBLISHED, TARGET, make_inputs
from tfparity.core import records
from tfparity.core.machine import ONEDNN_SETTINGS, onednn_active
from tfparity.core.paths import DOCS
from tfparity.studies import seeds

pytestmark = pytest.mark.skipif(not os.environ.get("MNIST_DIR"), reason="needs the real MNIST (MNIST_DIR)")
# Three epochs of two updates each: the rows read the accuracy after the last of EPOCHS epochs.
TINY = dict(epochs=EPOCHS, train_size=100, test_size=50)


def test_each_setting_runs_in_its_own_process_and_the_rows_summarise_its_seeds():
    found = seeds.study("convnet", range(2), **TINY)
    assert set(found["measured"]) == set(ONEDNN_SETTINGS)
    for label, run in found["measured"].items():
        assert run["machine"]["onednn"] == (label == "oneDNN on")
        assert [len(a) for a in run["test_accuracy"]] == [EPOCHS, EPOCHS]
    # The setting this process runs under gives, in here, what its fresh process measured.
    here = found["measured"]["oneDNN on" if onednn_active() else "oneDNN off"]["test_accuracy"][1]
    assert tf1_twin.run(make_inputs(1, **TINY))["test_accuracy"].tolist() == here
    for row in PUBLISHED["rows"]:
        final = [run[-1] for run in found["measured"][row["variant"]]["test_accuracy"]]
        summary = found["rows"][row["what"]]
        assert (summary["first"], summary["low"], summary["high"], summary["below"]) == (
            final[0], min(final), max(final), sum(a < TARGET for a in final))


def test_the_record_covers_every_row_and_the_pages_show_it():
    found = records.load_plain(DOCS, seeds.NAME)["examples"]["convnet"]
    assert found["seeds"] == len(seeds.SEEDS) and found["sizes"] == {}
    page = (DOCS / "convnet.md").read_text()
    for row in PUBLISHED["rows"]:
        assert found["rows"][row["what"]]["n"] == len(seeds.SEEDS)
        assert any(line.startswith(f"| {row['what']} |") and "not measured yet" not in line for line in page.splitlines())
    # Seed 0's Session run, with the setting the convnet's record was measured in, is that record's.
    record = records.load_plain(DOCS, "convnet")
    label = "oneDNN on" if record["machine"]["onednn"] else "oneDNN off"
    assert found["measured"][label]["test_accuracy"][0][-1] == pytest.approx(record["final"]["tf1_graph"]["test_accuracy"], abs=0)
