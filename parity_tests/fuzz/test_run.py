"""The fuzz table of ``tfparity run`` and ``tfparity list`` (see parity_tests/fuzz/__init__.py)."""
import pytest

from parity_tests.fuzz import Case, run
from tfparity.core.exits import Exit

CASES = [
    Case(["run", "no_such_example"], Exit.USAGE, "unknown example 'no_such_example'"),
    Case(["run", "regression", "--seed", "-3"], Exit.USAGE, "must be a non-negative integer"),
    Case(["run", "regression", "--all"], Exit.USAGE, "name examples or give --all, not both"),
    Case(["run", "regression", "--steps", "0"], Exit.USAGE, "must be positive and finite"),
    Case(["run", "regression", "--json", "{dir}"], Exit.USAGE, "cannot write --json"),
    Case(["run", "regression", "--steps", "3", "--json", "out.json"], Exit.OK, "regression", writes=("out.json",)),
]


@pytest.mark.parametrize("case", CASES, ids=str)
def test_run(case, tmp_path):
    run(case, tmp_path)
