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


# A softmax classifier whose port computes the cross-entropy fused: the same mathematics in another
# order (parity_tests/planted/softmax.py), and slips on that port.
SOFTMAX = "parity_tests.planted.softmax"
FUSED = "the fused softmax cross-entropy for -sum(y log softmax)"


def _softmax(port, *arguments):
    return ["check", "--inputs", f"{SOFTMAX}:make_inputs", "--tf1", f"{SOFTMAX}:tf1_run", "--tf2",
            f"{SOFTMAX}:{port}_run", "--step", f"{SOFTMAX}:{port}_step", "--modes", "tf2_eager", *arguments]


def test_a_reformulation_is_measured_confirmed_in_float64_and_then_passes(capsys, tmp_path):
    from tfparity.check import bounds_file
    target = tmp_path / "bounds.toml"
    assert cli.main(_softmax("fused", "--write-bound", str(target), "--reformulated", FUSED, "--seeds", "2")) == Exit.MISMATCH
    assert "bound written to" in capsys.readouterr().out
    [bound] = bounds_file.load(target)["tf2_eager"]
    assert bound.cause == "reformulation" and bound.atol == 0 and 0 < bound.ulp <= 16, bound
    assert bound.measured.startswith(FUSED) and "in float64 the TF1 updates within" in bound.measured, bound
    assert cli.main(_softmax("fused", "--tolerances", str(target))) == Exit.OK
    out = capsys.readouterr().out
    assert "judged by its local steps" in out and "for reformulation" in out and "rounding of the same" in out, out
    without_step = ["check", "--inputs", f"{SOFTMAX}:make_inputs", "--tf1", f"{SOFTMAX}:tf1_run", "--tf2",
                    f"{SOFTMAX}:fused_run", "--tolerances", str(target)]
    assert cli.main(without_step) == Exit.USAGE
    assert "a reformulation bound applies to local steps only" in capsys.readouterr().err


def test_every_slip_is_refused_as_a_reformulation_and_fails_its_bound_by_100x(capsys, tmp_path):
    from tfparity.check import parity
    from tfparity.core.tolerances import Bound
    from parity_tests.planted import softmax
    measured = parity.check(softmax.make_inputs, softmax.tf1_run, softmax.fused_run, modes=("tf2_eager",),
                            attribute=False, tf2_step=softmax.fused_step)
    bound = 1 << max(1, int(measured.local["tf2_eager"].max_ulp - 1).bit_length())  # as --write-bound rounds
    declared = {"tf2_eager": [Bound("reformulation", bound, 0.0, FUSED)]}
    for slip in ("rate", "summed"):
        report = parity.check(softmax.make_inputs, softmax.tf1_run, getattr(softmax, f"{slip}_run"),
                              modes=("tf2_eager",), tolerances=declared, tf2_step=getattr(softmax, f"{slip}_step"))
        local = report.local["tf2_eager"]
        assert not report.ok and local.status == "mismatch" and local.max_ulp >= 100 * bound, (slip, report)
        assert not report.confirmed["tf2_eager"]["ok"], report.confirmed
    target = tmp_path / "slip.toml"
    assert cli.main(_softmax("rate", "--write-bound", str(target), "--reformulated", FUSED, "--seeds", "1")) == Exit.MISMATCH
    assert "no bound for tf2_eager: not a reformulation" in capsys.readouterr().out and not target.exists()


def test_a_wide_reformulation_bound_passes_no_slip_that_float64_does_not_confirm(capsys, tmp_path):
    (tmp_path / "wide.toml").write_text('[[bounds]]\ncause = "reformulation"\nulp = 32768\nmeasured = "by hand"\n')
    assert cli.main(_softmax("nudged", "--tolerances", str(tmp_path / "wide.toml"))) == Exit.MISMATCH
    out = capsys.readouterr().out
    assert "own state: MISMATCH: the reformulation bound does not apply: at update" in out, out
    assert "not the same mathematics" in out, out


def test_reformulated_needs_a_bound_to_measure_and_local_steps(capsys):
    assert cli.main(_softmax("fused", "--reformulated", FUSED)) == Exit.USAGE
    assert "give --write-bound FILE and --step SPEC too" in capsys.readouterr().err


def test_the_bench_times_a_pair_with_local_steps(capsys):
    # --bench's fresh processes time the runs only; the port's step_from is not among what they import
    assert cli.main(PAIR + PORT + ["--modes", "tf2_eager", "--bench"]) == Exit.OK
    out = capsys.readouterr().out
    assert "first run s" in out and "not reproducible" not in out, out


def test_a_step_from_that_is_not_what_the_run_computes_fails(capsys, tmp_path):
    # The port's run slips (learning rate +10%) while its step_from is the correct one: under a
    # reformulation bound the trajectory only "differs", so the control at update 1 must catch it.
    (tmp_path / "bounds.toml").write_text('[[bounds]]\ncause = "reformulation"\nulp = 4\nmeasured = "fused"\n')
    arguments = _softmax("fused", "--tolerances", str(tmp_path / "bounds.toml"))
    arguments[arguments.index(f"{SOFTMAX}:fused_run")] = f"{SOFTMAX}:rate_run"
    assert cli.main(arguments) == Exit.MISMATCH
    assert "the port's step_from does not compute what its run does: at update 1" in capsys.readouterr().out
