"""A user's own pair, in a directory outside this checkout, proven with tfparity.check and with
tfparity.testing.assert_parity in the user's own pytest run; a planted porting slip is named."""
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

import tfparity
from tfparity.tolerances import Bound

USER = Path(__file__).parent / "byo"


@pytest.fixture
def user_repo(tmp_path, monkeypatch):
    shutil.copytree(USER / "user_port", tmp_path / "user_port")
    shutil.copy(USER / "port_check.py", tmp_path / "test_port.py")
    monkeypatch.syspath_prepend(str(tmp_path))
    for name in [m for m in sys.modules if m.split(".")[0] == "user_port"]:  # import this copy
        monkeypatch.delitem(sys.modules, name)
    return tmp_path


def _pytest(folder):
    return subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "test_port.py"],
                          cwd=folder, capture_output=True, text=True)


def test_check_reports_every_mode_bit_identical(user_repo):
    from user_port import data, new, old
    report = tfparity.check(data.make_inputs, old.run, new.run)
    assert report.ok and {m: v.status for m, v in report.verdicts.items()} == {
        "tf2_eager": "bit-identical", "tf2_function": "bit-identical"}, report
    assert "tf2_eager: bit-identical" in str(report) and report.machine["tensorflow"]


def test_assert_parity_passes_in_the_users_own_pytest_run(user_repo):
    done = _pytest(user_repo)
    assert done.returncode == 0 and "1 passed" in done.stdout, done.stdout + done.stderr


def test_a_sum_for_a_mean_is_named_at_its_first_step_and_field(user_repo):
    port = user_repo / "user_port" / "new.py"
    port.write_text(port.read_text().replace("loss = tf.reduce_mean(", "loss = tf.reduce_sum("))
    done = _pytest(user_repo)
    assert done.returncode == 1 and "AssertionError: parity against the TF1 run" in done.stdout, done.stdout
    assert "tf2_eager: MISMATCH at step 1, field " in done.stdout


def test_a_bound_applies_only_for_its_cause(user_repo):
    # A planted 1-ULP-scale slip in the learning rate: an XLA bound must not excuse it in eager.
    from user_port import data, new, old
    slipped = lambda inputs, **kw: new.run(dict(inputs, learning_rate=inputs["learning_rate"] * (1 + 2 ** -20)), **kw)
    bounds = {"tf2_eager": [Bound("xla", 1 << 20, 1.0, "Measured: planted, to show it cannot apply")]}
    report = tfparity.check(data.make_inputs, old.run, slipped, bounds=bounds)
    assert report.verdicts["tf2_eager"].status == "mismatch", report


def test_unknown_modes_are_refused():
    with pytest.raises(ValueError, match="known are"):
        tfparity.check(lambda s: {}, None, None, modes=("tf2_loop",))
