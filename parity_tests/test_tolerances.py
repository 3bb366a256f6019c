"""Every bound names a cause and applies only while that cause is active; with every switchable
cause switched off, every mode but XLA is bit-identical in every example, so no bound can hide a
porting bug."""
from concurrent.futures import ThreadPoolExecutor

import pytest
from conftest import quick_options, runs_as_a_fresh_process

from tfparity.core import fresh
from tfparity.core.harness import declared_modes, examples, load
from tfparity.core.modes import ALL_MODES, OPTIONAL_MODES
from tfparity.core.tolerances import CAUSES, LOCAL_ONLY, active, bounds, tolerance

OFF = {"TF_ENABLE_ONEDNN_OPTS": "0"}


def test_every_bound_names_a_known_cause_and_its_measurement():
    declared = {(name, mode): b for name in examples() + ["_template"] for mode, b in bounds(name).items()}
    assert declared, "no example declares a bound: the tests below would prove nothing"
    for key, found in declared.items():
        own = declared_modes(load(key[0])[0]) if key[0] in examples() else ()  # e.g. data_parallel's
        assert key[1] in ALL_MODES + OPTIONAL_MODES + own, key
        for bound in found:
            assert bound.cause in CAUSES and bound.ulp > 0 and "Measured" in bound.measured, key


def test_xla_bounds_apply_to_the_xla_mode_only():
    assert active("xla", "tf2_xla") and not any(active("xla", m) for m in ALL_MODES if m != "tf2_xla")


@pytest.mark.parametrize("onednn", ["0", "1"])
def test_the_onednn_bound_applies_exactly_while_onednn_is_on(onednn):
    # The mlp's bounds are local (one update from the Session's state): asked for that layer.
    if runs_as_a_fresh_process(onednn):  # this process is in that setting: asked here
        found = list(tolerance("mlp", "tf2_eager", layer="local"))
        found[2] = list(found[2])  # as JSON gives it from a fresh process
    else:
        found = fresh.call("tfparity.core.tolerances:tolerance", {"example": "mlp", "mode": "tf2_eager", "layer": "local"},
                           {"TF_ENABLE_ONEDNN_OPTS": onednn})
    assert (found[2] == ["onednn"]) == (onednn == "1") and (found[0] > 0) == (onednn == "1"), found


@pytest.fixture(scope="module")
def strict():
    """Every example's summary with every switchable cause off, in two fresh processes (one per
    core), each running its half of the examples one after another, as `tfparity run --all` does."""
    halves = [examples()[0::2], examples()[1::2]]
    with ThreadPoolExecutor(max_workers=2) as pool:
        found = pool.map(lambda names: fresh.call("tfparity.core.fresh:each", {"calls": [
            ["tfparity.core.harness:verdict_summaries", _strict(name)] for name in names]}, OFF), halves)
        return {name: summary for names, summaries in zip(halves, found) for name, summary in zip(names, summaries)}


def test_switching_off_the_arithmetic_optimizer_deactivates_its_bound(strict):
    assert tolerance("classification", "tf2_eager").causes == ("grappler_arithmetic",)
    assert strict["classification"]["causes"]["tf2_eager"] == []


def _strict(name):
    """verdict_summaries' keywords for ``name``: every mode, every switchable cause off."""
    keras = [m for m in declared_modes(load(name)[0]) if m == "tf2_keras"]  # the Keras fit stage, where there is one
    options = dict(quick_options(name), name=name, modes=list(ALL_MODES + OPTIONAL_MODES) + keras, strict=True)
    if name == "classification":
        options.pop("steps", None)  # its grappler rewrite first shows at step 473 of the default run
    return options


def test_with_every_switchable_cause_off_every_mode_but_xla_is_bit_identical(strict):
    # A port that reformulates (stock Keras layers for TF1's cells) differs by a cause nothing switches
    # off: its trajectory differs and its local steps are within that bound, by that cause alone.
    for name, summary in strict.items():
        assert summary["machine"]["onednn"] is False
        for mode, status in summary["statuses"].items():
            if mode.startswith("tf2_xla"):
                continue
            own = mode.split(",")[0]
            if set(summary["causes"].get(own, ())) & set(LOCAL_ONLY):
                assert summary["causes"][own] == [c for c in summary["causes"][own] if c in LOCAL_ONLY], (name, mode, summary["causes"])
                assert status in ("bit-identical", "differs", "within"), f"{name} {mode}: {summary['local'].get(own)}"
                continue
            assert status == "bit-identical", f"{name} {mode}: {summary['verdicts'].get(mode, summary['manual_vs_auto'])}"
