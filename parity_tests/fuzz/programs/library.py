"""``assert_parity`` called on the pair as a user's pytest file calls it, for a fresh process
(``tfparity.core.fresh.call``): what it raised, as one line, or "passed"."""
from parity_tests.fuzz.programs import pair
from tfparity.testing import assert_parity


def assert_parity_of(tf2_run):
    """assert_parity of the pair with ``pair.<tf2_run>`` as the port, in eager mode only."""
    try:
        assert_parity(pair.make_inputs, pair.tf1_run, getattr(pair, tf2_run), modes=("tf2_eager",), attribute=False)
    except Exception as error:
        return f"{type(error).__name__}: {error}"
    return "passed"
