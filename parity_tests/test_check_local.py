"""``tfparity check --step``: the local layer for a user's pair, through the real entry point, on
the regression twins and ports of them with a slip planted (parity_tests/planted/step_slips.py)."""
import json

from tfparity import cli
from tfparity.core.exits import Exit

PAIR = ["check", "--inputs", "shared_data.regression:make_inputs", "--tf1", "tf1_graph.regression:run"]
PORT = ["--tf2", "tf2_eager.regression:run", "--step", "tf2_eager.regression:step_from"]
SLIPS = "parity_tests.planted.step_slips"
# The widest rounding bound (tfparity.core.tolerances.KEPT_BITS), for a cause active in every
# process that has not switched it off.
BOUND = '[[bounds]]\ncause = "grappler_arithmetic"\nulp = 32768\nmeasured = "planted"\n'


def _check(capsys, *arguments):
    status = cli.main(PAIR + list(arguments))
    return status, capsys.readouterr()


def test_a_correct_port_is_bit_identical_on_every_local_step(capsys, tmp_path):
    status, out = _check(capsys, *PORT, "--json", str(tmp_path / "r.json"))
    assert status == Exit.OK, out
    assert out.out.count("updates each from the TF1 run's own state: bit-identical") == 2, out.out
    modes = json.loads((tmp_path / "r.json").read_text())["modes"]
    assert {m: v["local"]["status"] for m, v in modes.items()} == {"tf2_eager": "bit-identical",
                                                                   "tf2_function": "bit-identical"}
    assert modes["tf2_eager"]["local"]["local_updates"] > 3


def test_each_planted_slip_fails_locally_on_the_update_where_it_acts(capsys):
    for step, run, update in (("rate_step", "rate_run", 1), ("read_before_step", None, 1), ("unset_step", None, 2)):
        tf2 = f"{SLIPS}:{run}" if run else "tf2_eager.regression:run"
        status, out = _check(capsys, "--tf2", tf2, "--step", f"{SLIPS}:{step}", "--modes", "tf2_eager",
                             "--no-attribute")
        local = next(line for line in out.out.splitlines() if "from the TF1 run's own state" in line)
        assert status == Exit.MISMATCH and f"MISMATCH at step {update}, field" in local, (step, out.out)


def test_a_bound_applies_to_the_local_steps_and_separates_rounding_from_a_slip(capsys, tmp_path):
    (tmp_path / "bounds.toml").write_text(BOUND)
    bounds = ["--tolerances", str(tmp_path / "bounds.toml"), "--modes", "tf2_eager", "--no-attribute"]
    status, out = _check(capsys, "--tf2", f"{SLIPS}:ulps_run", "--step", f"{SLIPS}:ulps_step", *bounds)
    assert status == Exit.OK and "differs from step 1" in out.out and "judged by its local steps" in out.out, out.out
    assert "own state: max" in out.out and "for grappler_arithmetic" in out.out, out.out
    status, out = _check(capsys, "--tf2", f"{SLIPS}:rate_run", "--step", f"{SLIPS}:rate_step", *bounds)
    assert status == Exit.MISMATCH and "own state: MISMATCH at step 1" in out.out, out.out


def test_the_contract_is_checked_before_and_after_the_run(capsys):
    status, out = _check(capsys, *PORT[:2], "--step", "tf2_eager.regression:run")
    assert status == Exit.USAGE and "cannot be called with 2 arguments and function=" in out.err, out.err
    status = cli.main(["check", "--inputs", "shared_data.regression:make_inputs", "--tf1", f"{SLIPS}:plain_tf1",
                       *PORT, "--modes", "tf2_eager"])
    assert status == Exit.USAGE and "cannot be called with one positional argument and on_step=" in \
        capsys.readouterr().err
    status = cli.main(["check", "--inputs", "shared_data.regression:make_inputs", "--tf1", f"{SLIPS}:silent_tf1",
                       *PORT, "--modes", "tf2_eager"])
    assert status == Exit.USER_CODE and "never called it" in capsys.readouterr().err
