"""The trial's user module: it picks the port's variant at import (``port.VARIANT = ...``) and
names the port's function as its own."""
from parity_tests.planted import variant_port

variant_port.VARIANT = "slipped"
run = variant_port.run
