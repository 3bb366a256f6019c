"""Control runs (issue 27): no re-run explains a difference before it has reproduced, with nothing
switched off, the run being checked. The planted traps: a variant chosen by a module global after
import (a fresh process imports the module as written), and a port that keeps state between calls.
Each would otherwise come out bit-identical under a cause switched off, and be called explained."""
import pytest

from parity_tests.planted import pairs, variant_port
from tf1_graph import mlp as tf1_twin
from tfparity import cli
from tfparity.check import control, parity
from tfparity.core.exits import Exit
from tfparity.core.tolerances import active
from tfparity.testing import assert_parity

ROLES = ("make_inputs", "tf1_run", "tf2_run")
CHECK = ["check", "--inputs", "parity_tests.planted.pairs:mlp_inputs", "--tf1", "tf1_graph.mlp:run",
         "--modes", "tf2_eager"]


def _remote(tf2_run):
    """The fresh-process re-run of the pair as attribution makes it, with the record of this run."""
    functions = dict(zip(ROLES, (pairs.mlp_inputs, tf1_twin.run, tf2_run)))
    inputs = pairs.mlp_inputs(0)
    run = parity.runner(inputs, tf1_twin.run, tf2_run, None)
    mine = control.record(functions, control.digest(inputs), {"tf1_graph": run(None, desired=True),
                                                              "tf2_eager": run("tf2_eager")})
    return parity._remote(functions, 0, mine, ["tf2_eager"])


def test_a_fresh_process_that_reproduces_the_run_may_explain_it():
    remote, failed = _remote(variant_port.run)
    assert remote([]) == {"tf2_eager": "bit-identical", "tf2_function": "bit-identical"} and not failed


def test_a_fresh_process_that_runs_another_variant_explains_nothing(monkeypatch):
    monkeypatch.setattr(variant_port, "VARIANT", "slipped")
    remote, failed = _remote(variant_port.run)
    assert remote([]) == {}  # the oneDNN-off process is never asked
    assert failed["message"].startswith("not reproducible in a fresh process, with nothing switched off: "
                                        "tf2_eager gives other values in its field"), failed


def test_assert_parity_refuses_the_variant_chosen_after_import(monkeypatch):
    monkeypatch.setattr(variant_port, "VARIANT", "slipped")
    with pytest.raises(AssertionError) as raised:
        assert_parity(pairs.mlp_inputs, tf1_twin.run, variant_port.run, modes=("tf2_eager",))
    assert "explained by" not in str(raised.value)
    if active("onednn", "tf2_eager"):  # where oneDNN is off, no fresh process is started at all
        assert "not reproducible in a fresh process" in str(raised.value)


def test_a_port_that_keeps_state_between_calls_explains_nothing():
    variant_port.CALLS.clear()
    report = parity.check(pairs.mlp_inputs, tf1_twin.run, variant_port.run_slipped_once, modes=("tf2_eager",))
    assert not report.ok and not report.explained, report
    assert "not reproducible in this process, called again with nothing switched off: tf2_eager gives other " \
           "values" in report.line("tf2_eager")


def test_the_command_imports_exactly_the_module_it_was_given(capsys):
    # chooser sets the variant as it is imported: the fresh process imports chooser too, so the
    # slip is reproduced there, and stays a mismatch (oneDNN off does not hide it).
    assert cli.main(CHECK + ["--tf2", "parity_tests.planted.chooser:run"]) == Exit.MISMATCH
    out = capsys.readouterr().out
    assert "MISMATCH" in out and "explained by" not in out and "not reproducible" not in out, out


def test_a_record_names_the_first_difference():
    a = control.record({}, control.digest({"x": 1}), {"tf1_graph": {"loss": [1.0, 2.0]}})
    assert control.difference(a, a) is None
    other = control.record({}, control.digest({"x": 2}), {"tf1_graph": {"loss": [1.0, 2.0]}})
    assert control.difference(a, other) == "make_inputs returns other inputs than in the run being checked"
    nan = control.record({}, None, {"tf1_graph": {"loss": [float("nan")]}})
    negative = control.record({}, None, {"tf1_graph": {"loss": [-float("nan")]}})
    assert "field 'loss'" in control.difference(nan, negative)  # bits, not values
    assert control.code_digest(variant_port.run) != control.code_digest(variant_port.run_slipped_once)
