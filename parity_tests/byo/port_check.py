"""The user's own pytest file (copied in as test_port.py): their port proven with assert_parity."""
from user_port import data, new, old
from tfparity.testing import assert_parity


def test_the_port_computes_what_the_tf1_program_did():
    assert_parity(data.make_inputs, old.run, new.run)
