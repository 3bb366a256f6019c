"""Every tolerance has a measured cause; the causes that can be switched off are proven."""
from tfparity import records
from tfparity.guide import ROOT
from tfparity.tolerances import TOLERANCES

def test_every_tolerance_states_its_cause():
    for key, entry in TOLERANCES.items():
        assert entry.ulp > 0 and len(entry.cause) > 80 and "Measured" in entry.cause, key


def test_classification_eager_gap_is_grapplers_arithmetic_optimizer():
    # Measured in a fresh process by the grappler_arithmetic pitfall, which test_pitfalls.py
    # re-runs against this record: switching off only that pass makes tf.function equal eager.
    evidence = records.load_plain(ROOT / "docs", "pitfalls")["grappler_arithmetic"]
    assert evidence["eager vs tf.function, arithmetic_optimization off"] == "bit-identical"
    assert evidence["eager vs tf.function, default"].startswith("MISMATCH")
