"""``--into``/``--auto`` functions that go wrong as a user's can: each is the user's own code (exit 3)
or returns what no checkpoint can be written for (exit 2)."""
import os
import sys


def raises():
    raise RuntimeError("the port's objects could not be built")


def exits():
    sys.exit(0)


def exits_at_once():
    os._exit(0)


def returns_a_list():
    from parity_tests.outside import tf2_port
    return list(tf2_port.checkpoint_roots().values())


def returns_numbers():
    return {"model": 5}
