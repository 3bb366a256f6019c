"""Each example's Keras 3 ``fit`` stage against its TF1 Session twin: bit-identical, or within the
example's tf2_function bound for a cause active here, and bit-identical with every cause off."""
import os

import pytest

from tfparity.core import fresh, machine, records
from tfparity.core.paths import DOCS
from tfparity.studies import keras_fit as kerasfit

pytestmark = pytest.mark.skipif(not os.environ.get("MNIST_DIR"), reason="needs the real MNIST (MNIST_DIR)")


@pytest.mark.parametrize("example", kerasfit.EXAMPLES)
def test_the_fit_stage_matches_the_session_and_bit_for_bit_with_causes_off(example):
    here = kerasfit.verdicts(example, kinds=("tf1",))
    # Where the example's bounds are local (the convnet) its trajectory "differs" while a cause is
    # active, and one update from the Session's state is bit-identical or within the bound.
    assert here["tf1"]["status"] in ("bit-identical", "within") or (
        here["tf1"]["status"] == "differs" and here["tf1"]["local_status"] in ("bit-identical", "within")), here["tf1"]
    strict = fresh.call("tfparity.studies.keras_fit:verdicts", {"example": example, "strict": True}, {"TF_ENABLE_ONEDNN_OPTS": "0"})
    assert strict["tf1"]["status"] == "bit-identical", strict["tf1"]["verdict"]
    if example == "convnet":  # Keras 3's Adam is a namesake: it rounds otherwise even with every cause off
        assert strict["keras"]["status"] == "mismatch"
    record = records.load_plain(DOCS, kerasfit.NAME)
    if machine.same_bits(record["machine"]):
        assert record[example]["tf1"] == here["tf1"], "re-measure: the committed record is stale"
