"""The fuzz table of ``tfparity check`` and ``tfparity.testing.assert_parity`` (see
parity_tests/fuzz/__init__.py). The user's code is parity_tests/fuzz/programs/: a NumPy pair that
agrees, with the ways a port goes wrong or stops the run beside it. Rows that answer before
TensorFlow loads come first. Most rows run in this process (``InProcess``), where TensorFlow is
loaded already; a fresh process (``Case``, seven seconds once TensorFlow loads) is kept for what
needs one: an exit by ``os._exit`` (which would end the test run), a fork or thread of the user's,
the environment of the case, a Python warning (shown once per process), the one line of a refusal
made after TensorFlow's start-up notices, a file that could block."""
import os
import shutil

import pytest

from parity_tests.fuzz import Case, InProcess, run
from parity_tests.fuzz.programs import pair
from tfparity.check.specs import UserCodeError
from tfparity.core import fresh
from tfparity.core.exits import Exit
from tfparity.core.tolerances import KEPT_BITS, Bound
from tfparity.testing import assert_parity

PAIR = "parity_tests.fuzz.programs.pair"
FLOAT32_MANTISSA = 23  # x and 2x are 2**23 float32 ULPs apart
# Bounds files, one bound each: what a user could write by hand. A cause active in every process
# that has not switched it off (grappler's arithmetic optimizer), so a bound would apply.
BOUND = '[[bounds]]\ncause = "grappler_arithmetic"\nmeasured = "by hand"\n'
INFINITE_ATOL = BOUND + "ulp = 1\natol = inf\n"
ULP_BEYOND_FLOAT64 = BOUND + f"ulp = {2 ** 52}\n"
ULP_FACTOR_OF_TWO = BOUND + f"ulp = {2 ** FLOAT32_MANTISSA}\n"
ULP_JUST_UNDER_TWO = BOUND + f"ulp = {2 ** FLOAT32_MANTISSA - 1}\n"  # lets a kernel off by 1.5 pass
ULP_WIDEST = BOUND + f"ulp = {2 ** (FLOAT32_MANTISSA - KEPT_BITS)}\n"  # the widest rounding bound
ATOL_ABOVE_VALUES = BOUND + "ulp = 1\natol = 2.0\n"  # the pair's values are all below 1
ATOL_NEAR_VALUES = BOUND + "ulp = 1\natol = 0.1\n"  # below the largest value, far above its rounding
LONG_DOTTED_KEY = "[[bounds]]\n" + "x." * 30000 + "y = 1\n"  # took Python's TOML reader 27 s
DOTTED_KEY = "[[bounds]]\n" + "x." * 100 + "y = 1\n"
DEEP_ARRAYS = "a = " + "[\n" * 100000 + "]\n" * 100000  # a RecursionError in the TOML reader, exit 4
CAUSE_AS_LIST = '[[bounds]]\ncause = ["onednn"]\nulp = 1\nmeasured = "by hand"\n'
ULP_AS_BOOLEAN = '[[bounds]]\ncause = "onednn"\nulp = true\nmeasured = "by hand"\n'
MODE_AS_LIST = BOUND + 'ulp = 1\nmode = ["tf2_eager"]\n'
NOT_UTF8 = b"[[bounds]]\n\xff\xfe\x00cause"
OVERSIZED = 1 << 20  # one byte more than a tolerances file may hold (bounds_file.MAX_BYTES)


def check(*more, tf2=f"{PAIR}:tf2_run", tf1=f"{PAIR}:tf1_run", inputs=f"{PAIR}:make_inputs"):
    """``tfparity check`` of the pair with ``tf2`` as the port, in eager mode only (one call of it),
    without re-running a difference in fresh processes to find its cause."""
    return ["check", "--inputs", inputs, "--tf1", tf1, "--tf2", tf2, "--modes", "tf2_eager", "--no-attribute", *more]


def port(name, *more, **keywords):
    """``check`` with the pair's function ``name`` as the port."""
    return check(*more, tf2=f"{PAIR}:{name}", **keywords)


def file(name, content):
    """setup: ``content`` (text or bytes) written to ``name`` in the case's folder."""
    data = content if isinstance(content, bytes) else content.encode()
    return lambda folder: (folder / name).write_bytes(data)


def fifo(folder):
    os.mkfifo(folder / "bounds.toml")


def oversized(folder):
    (folder / "bounds.toml").write_bytes(b"#" * (OVERSIZED + 1))


def copy_of_the_pair(folder):
    shutil.copy(pair.__file__, folder / "my_pair.py")


def hard_link_to_the_pair(folder):
    copy_of_the_pair(folder)
    os.link(folder / "my_pair.py", folder / "linked.py")


NO_BYTECODE = {"PYTHONDONTWRITEBYTECODE": "1"}  # a module imported from the case's folder leaves none there

CASES = [
    # Bad input, answered before TensorFlow loads.
    InProcess(check("--seed", "-3"), Exit.USAGE, "argument --seed: must be a non-negative integer, got '-3'"),
    InProcess(check(inputs=""), Exit.USAGE, "--inputs '': expected module:function"),
    InProcess(check(tf2=""), Exit.USAGE, "--tf2 '': expected module:function"),
    InProcess(check("--modes", "tf2_xla"), Exit.USAGE, "the loop modes need a tf2_loop function (--loop"),
    InProcess(check("--tolerances", ""), Exit.USAGE, "cannot read --tolerances '': give a file name"),
    InProcess(check("--json", ""), Exit.USAGE, "argument --json: an empty path"),
    InProcess(check("--write-bound", ""), Exit.USAGE, "argument --write-bound: an empty path"),
    InProcess(check("--tolerances", "bounds.toml"), Exit.USAGE, "bound 1: atol must be a finite number >= 0, got inf",
              setup=file("bounds.toml", INFINITE_ATOL)),
    InProcess(check("--tolerances", "bounds.toml"), Exit.USAGE, "reaches 2**52, a factor of two even in float64",
              setup=file("bounds.toml", ULP_BEYOND_FLOAT64)),
    InProcess(check("--tolerances", "bounds.toml"), Exit.USAGE, "bound 1: unknown cause ['onednn']",
              setup=file("bounds.toml", CAUSE_AS_LIST)),
    InProcess(check("--tolerances", "bounds.toml"), Exit.USAGE, "bound 1: ulp must be a whole number >= 0, got True",
              setup=file("bounds.toml", ULP_AS_BOOLEAN)),
    InProcess(check("--tolerances", "bounds.toml"), Exit.USAGE, "bound 1: unknown mode ['tf2_eager']",
              setup=file("bounds.toml", MODE_AS_LIST)),
    InProcess(check("--tolerances", "bounds.toml"), Exit.USAGE, "bounds.toml is not UTF-8 text",
              setup=file("bounds.toml", NOT_UTF8)),
    Case(check("--tolerances", "bounds.toml"), Exit.USAGE, "cannot read bounds.toml: it is a named pipe, "
         "not a regular file", setup=fifo, timeout=60),
    Case(check("--tolerances", "/dev/zero"), Exit.USAGE, "cannot read /dev/zero: it is a character device",
         timeout=60),
    InProcess(check("--tolerances", "bounds.toml"), Exit.USAGE, "bounds.toml is larger than 1024 KiB: not a "
              "tolerances file", setup=oversized),
    InProcess(check("--tolerances", "{dir}"), Exit.USAGE, "it is a folder, not a regular file"),
    InProcess(check("--write-bound", "pyproject.toml"), Exit.USAGE, "cannot write bounds into pyproject.toml"),
    InProcess(check("--write-bound", "notes.txt"), Exit.USAGE, "notes.txt is not valid TOML",
              setup=file("notes.txt", "my notes: not bounds\n")),
    InProcess(check("--write-bound", "bounds.toml", "--json", "bounds.toml"), Exit.USAGE,
              "cannot write --json bounds.toml: it is a file this run reads or writes"),
    InProcess(check("--tolerances", "bounds.toml", "--json", "./bounds.toml"), Exit.USAGE,
              "cannot write --json ./bounds.toml: it is a file this run reads or writes",
              setup=file("bounds.toml", BOUND + "ulp = 1\n")),
    # The user's code stops the run: exit 3, naming which code and how, never 0 or silence.
    InProcess(port("calls_sys_exit_0"), Exit.USER_CODE,
              "error inside your own code, in tf2_run (tf2_eager): it called sys.exit(0), which ends the run"),
    Case(port("calls_os_exit_0"), Exit.USER_CODE,
         "error inside your own code, in tf2_run (tf2_eager): it called os._exit(0), which ends the run at once"),
    InProcess(port("says_goodbye"), Exit.USER_CODE, "in tf2_run (tf2_eager): it called sys.exit('goodbye')"),
    Case(port("thread_calls_os_exit"), Exit.USER_CODE, "in tf2_run (tf2_eager): a thread called os._exit(0)"),
    InProcess(check(tf2="parity_tests.fuzz.programs.sys_exit_0_at_import:run"), Exit.USER_CODE,
              "in module parity_tests.fuzz.programs.sys_exit_0_at_import, imported for --tf2: it called sys.exit(0)"),
    InProcess(check(tf2="parity_tests.fuzz.programs.sys_exit_3_at_import:run"), Exit.USER_CODE,
              "in module parity_tests.fuzz.programs.sys_exit_3_at_import, imported for --tf2: it called sys.exit(3)"),
    Case(check(tf2="parity_tests.fuzz.programs.os_exit_0_at_import:run"), Exit.USER_CODE,
         "in module parity_tests.fuzz.programs.os_exit_0_at_import, imported for --tf2: it called os._exit(0)"),
    Case(port("forks_a_child"), Exit.OK, "tf2_eager: bit-identical"),  # a child of theirs exits as it asks
    # Eager execution switched off for the process by the TF1 side: the port would run as a graph.
    Case(check(tf1="parity_tests.fuzz.programs.eager_off_at_import:run"), Exit.USAGE,
         "module parity_tests.fuzz.programs.eager_off_at_import, imported for --tf1, switched eager execution off"),
    # Inside tf1_run it is contained: tfparity runs tf1_run in a graph of its own, left as it ends.
    Case(check(tf1=f"{PAIR}:tf1_switches_eager_off"), Exit.OK, "tf2_eager: bit-identical"),
    # The user's code returns something that is not a trace: exit 3, naming the function (and field).
    InProcess(port("returns_none"), Exit.USER_CODE, "in tf2_run (tf2_eager): it returned None, not a dict"),
    InProcess(check("--loop", f"{PAIR}:loop_returns_none", "--modes", "tf2_loop"), Exit.USER_CODE,
              "in tf2_loop (tf2_loop): it returned None, not a dict"),
    InProcess(port("returns_list"), Exit.USER_CODE, "in tf2_run (tf2_eager): it returned a list, not a dict",
              not_said=("absent",)),
    InProcess(port("ragged"), Exit.USER_CODE, "in tf2_run (tf2_eager): its field 'w' is ragged"),
    # Each function is fed its own inputs and its trace kept as returned: neither an update in
    # place of an input array nor a trace buffer the user's code fills again changes a verdict.
    InProcess(check(tf1=f"{PAIR}:tf1_in_place"), Exit.OK, "tf2_eager: bit-identical"),
    InProcess(port("off_by_half_into_buffer", tf1=f"{PAIR}:tf1_into_buffer"), Exit.MISMATCH,
              "tf2_eager: MISMATCH at step 1, field w [0]"),
    # Nothing compared is no parity; each difference of structure a verdict naming the field.
    InProcess(port("nothing", tf1=f"{PAIR}:nothing_tf1"), Exit.MISMATCH,
              "tf2_eager: MISMATCH: nothing was compared: both traces have no field"),
    InProcess(port("zero_steps", tf1=f"{PAIR}:zero_steps"), Exit.MISMATCH,
              "tf2_eager: MISMATCH: nothing was compared: fields w, loss: no value in either trace"),
    InProcess(port("zero_steps"), Exit.MISMATCH, "MISMATCH at step 1, field w: the TF2 trace has 0 steps of w, "
              "the TF1 trace 3"),
    InProcess(port("one_step_longer"), Exit.MISMATCH,
              "MISMATCH at step 4, field w: the TF2 trace has 4 steps of w, the TF1 trace 3"),
    InProcess(port("negative_nan", tf1=f"{PAIR}:nan_tf1"), Exit.MISMATCH,
              "MISMATCH at step 1, field w [0]: desired NaN (bits 0x7fc00000), actual NaN (bits 0xffc00000)"),
    InProcess(port("scalar_field"), Exit.MISMATCH, "field loss: shape () (a scalar, not a value per step), "
              "desired (3,)", not_said=("shape shape",)),
    Case(port("complex_port"), Exit.MISMATCH, "field w: dtype complex64, desired float32",
         not_said=("Warning",)),
    # A bound larger than rounding of the values it bounds is refused once the TF1 run is seen; the
    # widest it accepts does not let the kernel off by 1.5 pass.
    Case(port("kernel_off_by_half", "--tolerances", "bounds.toml"), Exit.USAGE,
         "bounds.toml: the bound for grappler_arithmetic (tf2_eager): atol 2 is above 2**-8 of the largest "
         "reference (TF1) value", setup=file("bounds.toml", ATOL_ABOVE_VALUES)),
    InProcess(port("kernel_off_by_half", "--tolerances", "bounds.toml"), Exit.USAGE,
              "atol 0.1 is above 2**-8 of the largest reference (TF1) value",
              setup=file("bounds.toml", ATOL_NEAR_VALUES)),
    # -0 for +0 was "bit-identical" (a NaN of other bits is not): it is 1 ULP, a mismatch without a bound.
    InProcess(port("negative_zeros", tf1=f"{PAIR}:positive_zeros"), Exit.MISMATCH,
              "MISMATCH at step 1, field z [0]: desired 0.0, actual -0.0 (1 ULP; allowed: 0 ULP)"),
    # A field nested 65 lists deep (NumPy's arrays have at most 64 dimensions) was exit 4, a bug of ours.
    InProcess(port("deeper_than_numpy"), Exit.USER_CODE, "its field 'w' cannot be read as an array: "),
    # A ./pyproject.toml that is a named pipe or a device was skipped silently, where --tolerances refuses it.
    InProcess(check(), Exit.USAGE, "cannot read pyproject.toml: it is a named pipe, not a regular file",
              setup=lambda folder: os.mkfifo(folder / "pyproject.toml")),
    InProcess(check(), Exit.USAGE, "cannot read pyproject.toml: it is a character device, not a regular file",
              setup=lambda folder: os.symlink(os.devnull, folder / "pyproject.toml")),
    # A spec's file that is a named pipe was said not to exist.
    InProcess(check(inputs="fifo.py:make_inputs"), Exit.USAGE,
              "--inputs fifo.py: it is a named pipe, not a regular file", setup=lambda folder: os.mkfifo(folder / "fifo.py")),
    # A bounds file that Python's TOML reader takes minutes over, or recurses on until it fails.
    InProcess(check("--tolerances", "bounds.toml"), Exit.USAGE,
              "bounds.toml: line 2 is longer than 4096 characters: not a tolerances file",
              setup=file("bounds.toml", LONG_DOTTED_KEY)),
    InProcess(check("--tolerances", "bounds.toml"), Exit.USAGE,
              "bounds.toml: line 2 has 100 dots outside quotes (a key of 101 parts?), more than 64",
              setup=file("bounds.toml", DOTTED_KEY)),
    InProcess(check("--tolerances", "bounds.toml"), Exit.USAGE, "bounds.toml: nested too deeply: not a tolerances "
              "file", setup=file("bounds.toml", DEEP_ARRAYS)),
    InProcess(check(), Exit.USAGE, "pyproject.toml: nested too deeply", setup=file("pyproject.toml", DEEP_ARRAYS)),
    InProcess(check("--write-bound", "bounds.toml"), Exit.USAGE, "bounds.toml: nested too deeply",
              setup=file("bounds.toml", DEEP_ARRAYS)),
    # Both runs NaN (or inf) from step 1 compared "bit-identical", exit 0: nothing finite was compared.
    InProcess(port("nan_port", tf1=f"{PAIR}:nan_tf1"), Exit.DIVERGED, "diverged: nothing finite was compared"),
    InProcess(port("inf_both", tf1=f"{PAIR}:inf_both"), Exit.DIVERGED, "both runs are inf or NaN from step 1"),
    # An atol was judged against the largest value of all the fields and applied to each: under atol 1,
    # a field of thousandths off by 0.9 passed beside one of thousands. It is judged per field now;
    # one above 0 on a field of zeros lets anything near 0 pass.
    InProcess(port("small_off_by_far", "--tolerances", "bounds.toml", tf1=f"{PAIR}:big_and_small"), Exit.USAGE,
              "atol 1 is above 2**-8 of the largest reference (TF1) value of field 'small' (0.001)",
              setup=file("bounds.toml", BOUND + "ulp = 0\natol = 1.0\n")),
    InProcess(port("zero_off_by_half", "--tolerances", "bounds.toml", tf1=f"{PAIR}:all_zero"), Exit.USAGE,
              "atol 0.001 applies to field 'zero' too, whose reference (TF1) values are all 0",
              setup=file("bounds.toml", BOUND + "ulp = 1\natol = 0.001\n")),
    InProcess(port("kernel_off_by_half", "--tolerances", "bounds.toml"), Exit.USAGE,
              f"ulp {2 ** FLOAT32_MANTISSA} is above 2**15: in float32 it lets a value's leading 8 bits differ",
              setup=file("bounds.toml", ULP_FACTOR_OF_TWO)),
    InProcess(port("kernel_off_by_half", "--tolerances", "bounds.toml"), Exit.USAGE,
              f"ulp {2 ** FLOAT32_MANTISSA - 1} is above 2**15", setup=file("bounds.toml", ULP_JUST_UNDER_TWO)),
    InProcess(port("kernel_off_by_half", "--tolerances", "bounds.toml"), Exit.MISMATCH,
              "tf2_eager: MISMATCH at step 1", setup=file("bounds.toml", ULP_WIDEST)),
    # An output that is an input of the run is refused, before the run.
    Case(check("--json", "my_pair.py", tf2="my_pair.py:tf2_run"), Exit.USAGE,
         "cannot write --json my_pair.py: it is a file this run reads", setup=copy_of_the_pair,
         environment=NO_BYTECODE),
    Case(check("--json", "linked.py", tf2="my_pair.py:tf2_run"), Exit.USAGE,
         "cannot write --json linked.py: it is a file this run reads", setup=hard_link_to_the_pair,
         environment=NO_BYTECODE),
    InProcess(check("--json", "report.json"), Exit.OK, "tf2_eager: bit-identical", writes=("report.json",)),
    # An existing writable --json was replaced without --force, where scan refused it: one policy now.
    InProcess(check("--json", "report.json"), Exit.USAGE, "cannot write --json report.json: it exists; pass --force",
              setup=file("report.json", "the user's\n")),
    InProcess(check("--json", "report.json", "--force"), Exit.OK, "tf2_eager: bit-identical",
              setup=file("report.json", "the user's\n"), writes=("report.json",)),
    InProcess(check("--traces"), Exit.USAGE, "--traces writes the traces into the JSON report: give --json PATH too"),
    InProcess(port("kernel_off_by_half", "--json", "report.json", "--traces"), Exit.MISMATCH, "final values that differ",
              writes=("report.json",)),
]


@pytest.mark.parametrize("case", CASES, ids=str)
def test_check(case, tmp_path):
    run(case, tmp_path)


@pytest.mark.parametrize("tolerances, says", [
    ({"tf2_eager": [Bound("onednn", 1, float("inf"), "by hand")]}, "atol must be a finite number >= 0, got inf"),
    ({"tf2_eager": [Bound("onednn", 2 ** FLOAT32_MANTISSA, 0.0, "by hand")]}, "is above 2**15"),
    ({"tf2_eager": [Bound("onednn", 2 ** FLOAT32_MANTISSA - 1, 0.0, "by hand")]}, "is above 2**15"),
    ({"tf2_eager": [Bound("onednn", 1, 2.0, "by hand")]}, "atol 2 is above 2**-8 of the largest reference"),
    ({"tf2_eager": [Bound(["onednn"], 1, 0.0, "by hand")]}, "unknown cause ['onednn']"),
    ({"tf2_eager": [Bound("onednn", True, 0.0, "by hand")]}, "ulp must be a whole number >= 0, got True"),
    ({"tf2_eagre": [Bound("onednn", 1, 0.0, "by hand")]}, "unknown mode 'tf2_eagre'"),
    ({"tf2_eager": Bound("onednn", 1, 0.0, "by hand")}, "must be a list of Bound"),
])
def test_assert_parity_refuses_a_bound_that_is_not_a_rounding_bound(tolerances, says):
    with pytest.raises(ValueError) as refused:
        assert_parity(pair.make_inputs, pair.tf1_run, pair.kernel_off_by_half, tolerances=tolerances,
                      modes=("tf2_eager",), attribute=False)
    assert says in str(refused.value) and "\n" not in str(refused.value), refused.value


@pytest.mark.parametrize("tf2_run, says", [
    (pair.calls_sys_exit_0, "tf2_run (tf2_eager): it called sys.exit(0)"),
    (pair.returns_none, "tf2_run (tf2_eager): it returned None, not a dict"),
    (pair.returns_list, "tf2_run (tf2_eager): it returned a list, not a dict"),
    (pair.ragged, "tf2_run (tf2_eager): its field 'w' is ragged: its steps have different shapes ((1,), (2,))"),
    (pair.returns_text, "tf2_run (tf2_eager): its field 'note' holds <U4 values, not numbers"),
])
def test_assert_parity_names_the_users_code_that_stopped(tf2_run, says):
    with pytest.raises(UserCodeError) as stopped:
        assert_parity(pair.make_inputs, pair.tf1_run, tf2_run, modes=("tf2_eager",), attribute=False)
    assert says in str(stopped.value), stopped.value


def test_assert_parity_survives_os_exit_in_the_users_code():
    # In a fresh process: were os._exit not caught, it would end the test run itself, with status 0.
    said = fresh.call("parity_tests.fuzz.programs.library:assert_parity_of", {"tf2_run": "calls_os_exit_0"})
    assert said == "UserCodeError: tf2_run (tf2_eager): it called os._exit(0), which ends the run at once: " \
                   "nothing was compared", said
